"""Creating and deleting shares on the backend (the share service side).

The API (or the scheduler, once it has placed a share) casts
``create_share_instance``; a delete comes from the API. Each runs at most
once at a time per instance (``Backend.guard``); a create repeated after
the instance left ``creating`` is ignored, a delete of what is gone
succeeds.
"""

from oslo_log import log as logging

from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)

# Operation names of the guard (and of the stalled-request sweep's log).
CREATE = 'create of share instance'
DELETE = 'delete of share instance'


class Shares(backend.Part):
    """create_share_instance and delete_share_instance RPC methods."""

    def __init__(self, backend, servers):
        super().__init__(backend)
        self.servers = servers

    def recover(self, context):
        """Finish what a previous run left half done.

        ``creating`` instances are created again (drivers must treat a
        create of an existing share as success) or marked ``error``;
        ``deleting`` ones are deleted again.
        """
        leftovers = share_db.instances_on_host(
            context, self.host, [states.CREATING, states.DELETING])
        for instance in leftovers:
            LOG.info('Resuming %s of share instance %s after restart',
                     instance.status, instance.id)
            if instance.status == states.CREATING:
                self.create_share_instance(context, instance.id)
            else:
                self.delete_share_instance(context, instance.id)

    def create_share_instance(self, context, share_instance_id):
        self.backend.guard.run(CREATE, share_instance_id,
                               self._create_share_instance, context,
                               share_instance_id)

    def _create_share_instance(self, context, share_instance_id):
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            LOG.warning('Share instance %s vanished before creation',
                        share_instance_id)
            return
        if instance.status != states.CREATING:
            LOG.info('Share instance %s is %s, no longer creating; '
                     'ignoring the repeated request', share_instance_id,
                     instance.status)
            return
        share = instance.share
        share_server = None
        if self.driver.driver_handles_share_servers:
            share_server = self.servers.provide_share_server_for(
                context, instance)
            if share_server is None:
                return
            instance = share_db.instance_get(context, share_instance_id)
        try:
            if share.snapshot_id:
                locations = self._create_from_snapshot(
                    context, share, driver_data.share_dict(instance, share),
                    share_server)
            else:
                locations = self.driver.create_share(
                    context, driver_data.share_dict(instance, share),
                    share_server=share_server)
        except Exception as err:
            LOG.error('Driver failed to create share instance %s: %s',
                      share_instance_id, err)
            share_db.transition(
                context, share_instance_id, states.ERROR,
                sources=[states.CREATING],
                message=(share.project_id, share.id, messages.ACTION_CREATE,
                         messages.DRIVER_FAILED_CREATING_FROM_SNAP
                         if share.snapshot_id
                         else messages.DRIVER_FAILED_CREATING))
            return
        if share_db.finish_create(
                context, share_instance_id,
                driver_data.normalize_export_locations(locations)):
            LOG.info('Share %s created on %s', share.id, instance.host)
        else:
            LOG.warning('Share instance %s left creating while the driver '
                        'worked; its new status stands', share_instance_id)

    def delete_share_instance(self, context, share_instance_id,
                              force=False):
        self.backend.guard.run(DELETE, share_instance_id,
                               self._delete_share_instance, context,
                               share_instance_id, force)

    def _delete_share_instance(self, context, share_instance_id, force):
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            return
        share = instance.share
        try:
            self.driver.delete_share(
                context, driver_data.share_dict(instance, share),
                share_server=self.servers.share_server_of(context, instance))
        except Exception as err:
            if not force:
                LOG.error('Driver failed to delete share instance %s: %s',
                          share_instance_id, err)
                share_db.transition(context, share_instance_id,
                                    states.ERROR_DELETING,
                                    sources=[states.DELETING])
                return
            LOG.warning('Driver failed to delete share instance %s; '
                        'removing it anyway (force): %s',
                        share_instance_id, err)
        share_db.destroy(context, share.id)
        LOG.info('Share %s deleted', share.id)
        self.servers.after_share_deleted(context, instance.share_server_id)

    def _create_from_snapshot(self, context, share, share_dict,
                              share_server):
        """The driver's copy of a snapshot into a new share instance;
        ShareSnapshotNotFound if the snapshot went away meanwhile."""
        snapshot, snap = driver_data.load_snapshot(context, share.snapshot_id)
        if snapshot is None:
            raise exception.ShareSnapshotNotFound(
                snapshot_id=share.snapshot_id)
        return self.driver.create_share_from_snapshot(
            context, share_dict, snap, share_server=share_server)
