"""Database work of the share manager's create and delete: one read
before the driver is called and one write after it, each a single
transaction (the driver's call must not hold one open)."""

import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.test_query_counts import counted_here
from manila_lite.tests.unit.share.helpers import PROJECT

# (transactions, statements), BEGIN not counted. The read is one
# statement: the instance with its share, metadata and export locations
# joined in. The delete's write also removes, one statement each, the
# resource locks of the share and its rules and its scheduler hints.
CREATE = (2, 4)
DELETE = (2, 7)


def test_create_and_delete_one_read_and_one_write_each(
        ctx, manager, share_type):
    engine = db_api.get_engine()
    share = share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 3,
              'share_proto': 'NFS', 'display_name': 'counted'},
        {'status': states.CREATING, 'host': manager.host + '#pool0',
         'share_type_id': share_type.id}, {'k': 'v'})
    with counted_here(engine) as create:
        manager.shares.create_share_instance(ctx, share.instance.id)
    share = share_db.get(ctx, share.id)
    assert share.status == states.AVAILABLE
    assert share.export_locations
    assert share_db.transition(ctx, share.instance.id, states.DELETING)
    with counted_here(engine) as delete:
        manager.shares.delete_share_instance(ctx, share.instance.id)
    seen = {'create': create, 'delete': delete}
    counts = {name: (c['transactions'], len(c['statements']))
              for name, c in seen.items()}
    assert counts == {'create': CREATE, 'delete': DELETE}, (counts, seen)
    assert quotas.usages(ctx, PROJECT)['gigabytes']['in_use'] == 0
    assert manager.driver.fake_get_share(share.instance.id) is None
    # One DELETE of the share: the database took its dependants with it.
    with engine.connect() as conn:
        for table, column in (
                (models.ShareInstance, models.ShareInstance.share_id),
                (models.ShareMetadata, models.ShareMetadata.share_id),
                (models.ExportLocation,
                 models.ExportLocation.share_instance_id)):
            key = (share.instance.id if table is models.ExportLocation
                   else share.id)
            assert conn.scalar(sa.select(sa.func.count()).select_from(
                table).where(column == key)) == 0, table
