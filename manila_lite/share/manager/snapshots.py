"""The share manager's snapshot work: create, delete, revert, (un)manage.

These are RPC methods of the backend holding the snapshot's share. Each
reads the snapshot, calls the driver, and records the outcome with a
conditional transition of the SNAPSHOT state table; a failure leaves an
error status and, where Manila tells the user, a user message. A
mountable snapshot's export locations are recorded with its creation (or
manage); its access rules are taken off the backend before it is deleted
(snapshot_access.py).
"""

from oslo_log import log as logging

from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import messages
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)

# Operation names of the guard (and of the stalled-request sweep's log).
CREATE = 'create of snapshot'
DELETE = 'delete of snapshot'

# What a restarted share manager resumes, and how.
_RESUMED = {
    states.CREATING: 'create_snapshot',
    states.DELETING: 'delete_snapshot',
    states.RESTORING: 'revert_to_snapshot',
    states.UNMANAGE_STARTING: 'unmanage_snapshot',
}


class Snapshots(backend.Part):
    """Snapshot RPC methods of the backend holding the snapshot's share."""

    def __init__(self, backend, snapshot_access):
        super().__init__(backend)
        self.snapshot_access = snapshot_access

    @staticmethod
    def _mount_points(context, snapshot, update):
        """The export locations a driver gave a snapshot, kept (as in
        Manila) only when its share may mount snapshots."""
        locations = update.get('export_locations') or []
        if locations and not share_db.get(
                context, snapshot.share_id, project_only=False,
                with_export_locations=False).mount_snapshot_support:
            return []
        return locations

    def recover(self, context):
        """Resume snapshot work a previous run of this backend left.

        A manage cannot be resumed (its driver options are gone): it ends
        in ``manage_error``, from which an administrator unmanages it.
        """
        for instance in snapshot_db.instances_on_host(
                context, self.host,
                list(_RESUMED) + [states.MANAGE_STARTING]):
            if instance.status == states.MANAGE_STARTING:
                LOG.warning('Manage of snapshot %s was interrupted',
                            instance.snapshot_id)
                snapshot_db.transition(context, instance.snapshot_id,
                                       states.MANAGE_ERROR,
                                       sources=[states.MANAGE_STARTING])
                continue
            LOG.info('Resuming %s of snapshot %s after restart',
                     instance.status, instance.snapshot_id)
            getattr(self, _RESUMED[instance.status])(
                context, instance.snapshot_id)

    def create_snapshot(self, context, snapshot_id):
        self.backend.guard.run(CREATE, snapshot_id, self._create_snapshot,
                               context, snapshot_id)

    def _create_snapshot(self, context, snapshot_id):
        snapshot, snap = driver_data.load_snapshot(context, snapshot_id)
        if snapshot is None:
            return
        if snapshot.status != states.CREATING:
            LOG.info('Snapshot %s is %s, no longer creating; ignoring the '
                     'repeated request', snapshot_id, snapshot.status)
            return
        try:
            update = self.driver.create_snapshot(context, snap) or {}
        except Exception as err:
            LOG.error('Driver failed to create snapshot %s: %s',
                      snapshot_id, err)
            snapshot_db.transition(
                context, snapshot_id, states.ERROR, sources=[states.CREATING],
                message=(snapshot.project_id, messages.ACTION_CREATE,
                         messages.UNKNOWN_ERROR))
            return
        values = {'progress': '100%'}
        if update.get('provider_location'):
            values['provider_location'] = update['provider_location']
        if snapshot_db.transition(
                context, snapshot_id, states.AVAILABLE, values,
                sources=[states.CREATING],
                export_locations=self._mount_points(context, snapshot,
                                                    update)):
            LOG.info('Snapshot %s created', snapshot_id)

    def delete_snapshot(self, context, snapshot_id, force=False):
        self.backend.guard.run(DELETE, snapshot_id, self._delete_snapshot,
                               context, snapshot_id, force)

    def _delete_snapshot(self, context, snapshot_id, force):
        snapshot, snap = driver_data.load_snapshot(context, snapshot_id)
        if snapshot is None:
            return
        try:
            self.snapshot_access.remove_rules(context, snap)
            self.driver.delete_snapshot(context, snap)
        except Exception as err:
            if not force:
                LOG.error('Driver failed to delete snapshot %s: %s',
                          snapshot_id, err)
                snapshot_db.transition(
                    context, snapshot_id, states.ERROR_DELETING,
                    sources=[states.DELETING],
                    message=(snapshot.project_id, messages.ACTION_DELETE,
                             messages.UNKNOWN_ERROR))
                return
            LOG.warning('Driver failed to delete snapshot %s; removing it '
                        'anyway (force): %s', snapshot_id, err)
        snapshot_db.destroy(context, snapshot_id)
        LOG.info('Snapshot %s deleted', snapshot_id)

    def revert_to_snapshot(self, context, snapshot_id):
        snapshot, snap = driver_data.load_snapshot(context, snapshot_id)
        if snapshot is None:
            return
        try:
            self.driver.revert_to_snapshot(context, snap, [], [])
        except Exception as err:
            LOG.error('Driver failed to revert share %s to snapshot %s: %s',
                      snapshot.share_id, snapshot_id, err)
            if snapshot_db.finish_revert(context, snapshot_id, False):
                messages.record(context, snapshot.project_id, 'SHARE',
                                snapshot.share_id,
                                messages.ACTION_REVERT_TO_SNAPSHOT,
                                messages.UNKNOWN_ERROR)
            return
        snapshot_db.finish_revert(context, snapshot_id, True)
        LOG.info('Share %s reverted to snapshot %s', snapshot.share_id,
                 snapshot_id)

    def manage_snapshot(self, context, snapshot_id, driver_options=None):
        snapshot, snap = driver_data.load_snapshot(context, snapshot_id)
        if snapshot is None:
            return
        try:
            update = self.driver.manage_existing_snapshot(
                snap, driver_options or {}) or {}
            size = int(update.get('size') or snapshot.share_size)
        except Exception as err:
            LOG.error('Driver failed to manage snapshot %s: %s',
                      snapshot_id, err)
            snapshot_db.transition(context, snapshot_id, states.MANAGE_ERROR,
                                   sources=[states.MANAGE_STARTING])
            return
        values = {}
        if update.get('provider_location'):
            values['provider_location'] = update['provider_location']
        if snapshot_db.finish_manage(
                context, snapshot_id, size, values,
                self._mount_points(context, snapshot, update)):
            LOG.info('Snapshot %s managed (%s GiB)', snapshot_id, size)

    def unmanage_snapshot(self, context, snapshot_id):
        snapshot, snap = driver_data.load_snapshot(context, snapshot_id)
        if snapshot is None:
            return
        try:
            self.driver.unmanage_snapshot(snap)
        except Exception as err:
            LOG.error('Driver failed to unmanage snapshot %s: %s',
                      snapshot_id, err)
            snapshot_db.transition(context, snapshot_id,
                                   states.UNMANAGE_ERROR,
                                   sources=[states.UNMANAGE_STARTING])
            return
        snapshot_db.destroy(context, snapshot_id)
        LOG.info('Snapshot %s unmanaged', snapshot_id)
