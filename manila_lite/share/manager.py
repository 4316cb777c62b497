"""The share manager: drives one backend's driver and records the results.

One manager per enabled backend, each its own RPC server ``host@backend``.
Every status change goes through ``db.shares.transition`` so a restart can
pick up exactly where the last run stopped.
"""

import threading

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_utils import importutils
from oslo_utils import timeutils
import stevedore

from manila_lite import conf
from manila_lite import exception
from manila_lite import messages
from manila_lite import states
from manila_lite.conf import backend as backend_conf
from manila_lite.db import shares as share_db
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share import access_manager
from manila_lite.share import deferred_deletion
from manila_lite.share import ensure_manager
from manila_lite.share import group_manager
from manila_lite.share import manage_manager
from manila_lite.share import resize_manager
from manila_lite.share import server_manager
from manila_lite.share import snapshot_access_manager
from manila_lite.share import snapshot_manager
from manila_lite.share import stalled

CONF = conf.CONF
LOG = logging.getLogger(__name__)
DRIVER_NAMESPACE = 'manila_lite.share.drivers'


def load_driver_class(name):
    """A stevedore alias, or a dotted path as older configs carry."""
    try:
        return stevedore.DriverManager(DRIVER_NAMESPACE, name,
                                       invoke_on_load=False).driver
    except stevedore.exception.NoMatches:
        pass
    try:
        return importutils.import_class(name)
    except (ImportError, ValueError) as err:
        raise exception.InvalidDriverError(
            reason='%s is neither a driver alias in %s nor an importable '
                   'class: %s' % (name, DRIVER_NAMESPACE, err))


def share_dict(instance, share):
    """The plain share description drivers receive."""
    return {
        'id': instance.id, 'share_id': share.id,
        'name': 'share-%s' % instance.id,
        'display_name': share.display_name, 'size': share.size,
        'share_proto': share.share_proto, 'host': instance.host,
        'share_type_id': instance.share_type_id,
        'share_network_id': instance.share_network_id,
        'share_server_id': instance.share_server_id,
        'availability_zone': instance.availability_zone,
        'project_id': share.project_id, 'user_id': share.user_id,
        'snapshot_id': share.snapshot_id, 'status': instance.status,
        'export_locations': [
            {'path': loc.path, 'is_admin_only': loc.is_admin_only,
             'preferred': loc.preferred}
            for loc in instance.export_locations],
        'metadata': share.metadata_dict,
    }


def normalize_export_locations(locations):
    """Drivers may return bare paths or dicts; store dicts."""
    result = []
    for location in locations or []:
        if isinstance(location, str):
            location = {'path': location}
        result.append(location)
    if result and not any(loc.get('preferred') for loc in result):
        result[0] = dict(result[0], preferred=True)
    return result


class ShareManager(access_manager.AccessManagerMixin,
                   snapshot_manager.SnapshotManagerMixin,
                   snapshot_access_manager.SnapshotAccessManagerMixin,
                   resize_manager.ResizeManagerMixin,
                   manage_manager.ManageManagerMixin,
                   deferred_deletion.DeferredDeletionMixin,
                   ensure_manager.EnsureManagerMixin,
                   server_manager.ServerManagerMixin,
                   stalled.StalledRequestsMixin):
    """RPC endpoint of one backend."""

    target = messaging.Target(version='1.0')

    def __init__(self, backend_name):
        driver_class = load_driver_class(
            backend_conf.register_backend(CONF, backend_name).share_driver)
        driver_module = importutils.import_module(driver_class.__module__)
        backend = backend_conf.register_backend(
            CONF, backend_name, getattr(driver_module, 'driver_opts', ()))
        self.backend_name = backend_name
        self.host = '%s@%s' % (CONF.host, backend_name)
        self.availability_zone = (backend.backend_availability_zone
                                  or CONF.storage_availability_zone)
        self.driver = driver_class(
            backend.driver_handles_share_servers, configuration=backend,
            backend_name=backend.share_backend_name or backend_name)
        self.scheduler_rpc = scheduler_rpcapi.SchedulerAPI()
        # Share groups: their own endpoint on the same RPC server.
        self.group_manager = group_manager.ShareGroupManager(self.driver,
                                                             self.host)
        self.periodic_interval = CONF.periodic_interval
        self._busy = set()      # (operation, resource id) under way here
        self._busy_lock = threading.Lock()

    def rpc_endpoints(self):
        """The objects whose methods this backend's RPC server serves."""
        return [self, self.group_manager]

    # -- start-up -----------------------------------------------------------

    def init_host(self, context):
        self.driver.do_setup(context)
        self.driver.check_for_setup_error()
        self._recover(context)
        self.recover_ensure(context)

    def after_start(self, context):
        self.publish_capabilities(context)
        self.ensure_at_startup(context)

    def extra_periodic_tasks(self):
        """(name, interval, function) of tasks with their own interval."""
        return self.deferred_deletion_tasks()

    def _recover(self, context):
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
        self._recover_snapshots(context)
        self._recover_resizes(context)
        self._recover_manage(context)
        self._recover_access(context)
        self._recover_snapshot_access(context)
        self._recover_servers(context)
        self.group_manager.recover(context)

    # -- periodic work ------------------------------------------------------

    def run_periodic_tasks(self, context):
        self.publish_capabilities(context)
        self.cleanup_unused_share_servers(context)
        self.redrive_stalled_requests(context)

    def publish_capabilities(self, context):
        stats = self.driver.get_share_stats(refresh=True)
        self.scheduler_rpc.update_service_capabilities(
            context, self.host, stats, self.availability_zone,
            timeutils.utcnow().isoformat())

    # -- RPC methods --------------------------------------------------------

    def create_share_instance(self, context, share_instance_id):
        self._one_at_a_time(stalled.CREATE_SHARE, share_instance_id,
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
            share_server = self.provide_share_server_for(context, instance)
            if share_server is None:
                return
            instance = share_db.instance_get(context, share_instance_id)
        try:
            if share.snapshot_id:
                locations = self._create_share_from_snapshot(
                    context, instance, share, share_dict(instance, share),
                    share_server=share_server)
            else:
                locations = self.driver.create_share(
                    context, share_dict(instance, share),
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
        if share_db.finish_create(context, share_instance_id,
                                  normalize_export_locations(locations)):
            LOG.info('Share %s created on %s', share.id, instance.host)
        else:
            LOG.warning('Share instance %s left creating while the driver '
                        'worked; its new status stands', share_instance_id)

    def delete_share_instance(self, context, share_instance_id,
                              force=False):
        self._one_at_a_time(stalled.DELETE_SHARE, share_instance_id,
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
                context, share_dict(instance, share),
                share_server=self.share_server_of(context, instance))
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
        self.after_share_deleted(context, instance.share_server_id)
