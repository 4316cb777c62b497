"""Requests the message broker lost, asked for again; none run twice at once.

RabbitMQ keeps no message across its own restart, so a create or delete
of a share or snapshot, or a change of access rules, can lose its request
while every daemon runs. A share manager's periodic task finds those of
its backend by age (``stalled_request_timeout``) and casts them to its
own queue again. A late original is harmless: each operation runs at
most once at a time per resource in a share manager (``Backend.guard``),
a create of something no longer ``creating`` is ignored, deleting what
is gone succeeds, and applying queued rule changes twice applies them
once.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.share.manager import backend
from manila_lite.share.manager import shares
from manila_lite.share.manager import snapshots
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class StalledRequests(backend.Part):
    """The periodic sweep for lost requests of one backend."""

    def redrive_stalled_requests(self, context):
        """Cast again what waited longer than the timeout with no thread
        here working on it: shares ``creating`` since their placement,
        shares ``deleting`` and snapshots ``creating``/``deleting`` since
        their last change."""
        if not CONF.stalled_request_timeout:
            return
        before = timeutils.utcnow() - datetime.timedelta(
            seconds=CONF.stalled_request_timeout)
        rpc = share_rpcapi.shared()
        waiting = [
            (shares.CREATE, i.id, i.scheduled_at, rpc.create_share_instance)
            for i in share_db.instances_on_host(
                context, self.host, [states.CREATING],
                scheduled_before=before)]
        waiting += [
            (shares.DELETE, i.id, i.updated_at, rpc.delete_share_instance)
            for i in share_db.instances_on_host(
                context, self.host, [states.DELETING],
                updated_before=before)]
        for status, operation, cast in (
                (states.CREATING, snapshots.CREATE, rpc.create_snapshot),
                (states.DELETING, snapshots.DELETE, rpc.delete_snapshot)):
            waiting += [
                (operation, i.snapshot_id, i.updated_at or i.created_at,
                 cast)
                for i in snapshot_db.instances_on_host(
                    context, self.host, [status], updated_before=before)]
        for operation, resource_id, since, cast in waiting:
            if self.backend.guard.busy(operation, resource_id):
                continue
            LOG.warning('The %s %s has waited since %s and its request '
                        'never came; asking for it again', operation,
                        resource_id, since)
            cast(context, self.host, resource_id)
        # Queued rule changes: applying what is queued is harmless when
        # the original request turns up as well.
        for lookup, cast, what in (
                (access_db.instances_queued_before, rpc.update_access,
                 'share instance'),
                (snapshot_access_db.instances_queued_before,
                 rpc.snapshot_update_access, 'snapshot instance')):
            for instance_id in lookup(context, self.host, before):
                LOG.warning('Access rule changes of %s %s were queued '
                            'before %s and their request never came; '
                            'asking for it again', what, instance_id,
                            before)
                cast(context, self.host, instance_id)
