"""Adopting a backend share (manage) as the database records it.

A share being managed is a row of size 0 holding no quota: its size is
known only once the backend has looked at it. The transaction recording
the backend's answer sets the size and charges the quota together, and
charges it even over the limits, since the data already exists (as
Manila). A share that fails to be managed keeps size 0, so deleting or
unmanaging it gives nothing back (db.shares.destroy).
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import shares as share_db
from manila_lite import states

Share = models.Share
Instance = models.ShareInstance


@db_api.retry_on_deadlock
def create(context, share_values, instance_values, export_path):
    """The share row, in manage_starting, with the path it is known by."""
    share = models.Share(size=0, **share_values)
    share.instance = models.ShareInstance(
        status=states.MANAGE_STARTING, scheduled_at=timeutils.utcnow(),
        **instance_values)
    share.share_metadata = []
    with db_api.writer.using(context) as session:
        session.add(share)
        session.flush()
        share.instance.export_locations = [models.ExportLocation(
            share_instance_id=share.instance.id, path=export_path,
            preferred=True)]
    return share


def exists(context, host, export_path):
    """Whether a share on ``host`` is already exported at the path."""
    location = models.ExportLocation
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(sa.exists().where(
            location.share_instance_id == Instance.id,
            location.path == export_path, Instance.host == host)))


@db_api.retry_on_deadlock
def finish(context, instance_id, size, export_locations, values=None):
    """manage_starting -> available with the backend's size, quota charged
    and the backend's export locations replacing the one given."""
    values = dict(values or {}, status=states.AVAILABLE,
                  launched_at=timeutils.utcnow(), progress='100%',
                  updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id,
                   Instance.status == states.MANAGE_STARTING)
            .values(**values)).rowcount
        if not moved:
            return False
        instance = session.get(Instance, instance_id)
        share = session.get(Share, instance.share_id)
        share.size = size
        quotas.consume(session, share.project_id, share.user_id,
                       instance.share_type_id,
                       share_db.quota_deltas(size), force=True)
        if export_locations:
            share_db._replace_export_locations(session, instance_id,
                                               export_locations)
        return True


@db_api.retry_on_deadlock
def fail(context, instance_id):
    """manage_starting -> manage_error; the share keeps holding nothing."""
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id,
                   Instance.status == states.MANAGE_STARTING)
            .values(status=states.MANAGE_ERROR,
                    updated_at=timeutils.utcnow())).rowcount
        return bool(moved)
