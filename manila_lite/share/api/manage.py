"""Manage and unmanage as the API sees them (administrators only).

A mixin of share.api.API. Managing records a share of size 0, holding no
quota, on the ``host@backend#pool`` the administrator names, with the
export path it is known by; the scheduler checks that the share type fits
that pool and the share manager asks the driver to adopt it. Unmanaging
casts to the share's backend, which forgets the share and removes its
row; its data stays on the backend.
"""

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import services as service_db
from manila_lite.db import share_manage as manage_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.share.api import create_options
from manila_lite.share.api import locks as lock_api
from manila_lite.share.api import specs as specs_api
from manila_lite.share import extra_specs
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
SHARE_BINARY = 'manila-share'

# Statuses in which work on the share is under way: an unmanage the state
# table refuses in one of them says so.
TRANSITIONAL = (states.CREATING, states.DELETING, states.MANAGE_STARTING,
                states.UNMANAGE_STARTING,
                states.MANAGE_ERROR_UNMANAGE_STARTING, states.EXTENDING,
                states.SHRINKING, states.REVERTING, states.RESTORING,
                states.MIGRATING, states.MIGRATING_TO,
                states.SERVER_MIGRATING)


def _unmanage_target(status):
    """The status an unmanage from ``status`` moves to: a failed manage
    has its own, which gives no quota back."""
    if states.allowed(states.SHARE_INSTANCE, status,
                      states.MANAGE_ERROR_UNMANAGE_STARTING):
        return states.MANAGE_ERROR_UNMANAGE_STARTING
    return states.UNMANAGE_STARTING


def check_service_host(context, service_host):
    """The share service of ``host@backend#pool``: 404 unknown, 400 down."""
    backend, _sep, pool = service_host.partition('#')
    if not pool:
        raise exception.InvalidInput(
            reason='service_host parameter should contain pool.')
    service = service_db.get_by_host_binary(context, backend, SHARE_BINARY)
    if not service_db.is_up(service, CONF.service_down_time):
        raise exception.ServiceIsDown(service=backend)
    return service


class ManageAPIMixin:
    """manage and unmanage of share.api.API."""

    def manage(self, context, service_host, share_proto, export_path,
               share_type=None, name=None, description=None,
               is_public=False, driver_options=None, mount_point_name=None):
        check_service_host(context, service_host)
        share_type = specs_api.resolve_share_type(context, share_type)
        specs = share_type.specs
        if extra_specs.is_true(specs.get(extra_specs.DHSS)):
            raise exception.InvalidInput(
                reason='Share Server ID parameter is required when managing '
                       'a share using a share type with '
                       'driver_handles_share_servers extra-spec set to '
                       'True.')
        # 2.92+: checked as on create, before anything is written.
        mount_point_name = create_options.mount_point_name(
            context, mount_point_name, specs)
        if manage_db.exists(context, service_host, export_path):
            LOG.error('A share exported at %s on %s exists already',
                      export_path, service_host)
            raise exception.Conflict(
                'A share already exists with the export path specified.')
        rpc.BROKER.check()
        share = manage_db.create(
            context,
            dict(project_id=context.project_id, user_id=context.user_id,
                 display_name=name, display_description=description,
                 share_proto=share_proto.upper(), is_public=is_public,
                 mount_point_name=mount_point_name,
                 replication_type=specs.get('replication_type'),
                 **extra_specs.share_capabilities(specs)),
            dict(host=service_host, share_type_id=share_type.id,
                 access_rules_status=states.ACCESS_ACTIVE),
            export_path)
        try:
            self.scheduler_rpc.manage_share(
                context, share.instance.id, driver_options or {},
                specs_api.request_spec(context, share.instance, share_type))
        except exception.BrokerUnavailable:
            share_db.destroy(context, share.id)
            raise
        LOG.info('Manage of the share at %s on %s requested as share %s',
                 export_path, service_host, share.id)
        return share_db.get(context, share.id)

    def unmanage(self, context, share):
        lock_api.check_share_unlocked(context, share, 'unmanage',
                                      exception.ForbiddenAction)
        instance = share.instance
        target = _unmanage_target(share.status)
        allowed = states.allowed(states.SHARE_INSTANCE, share.status, target)
        if share.status in TRANSITIONAL and not allowed:
            raise exception.ForbiddenAction(
                reason="Share with transitional state can not be "
                       "unmanaged. Share '%s' is in '%s' state."
                       % (share.id, share.status))
        snapshots = snapshot_db.count_for_share(context, share.id)
        if snapshots:
            raise exception.ForbiddenAction(
                reason="Share '%s' can not be unmanaged because it has "
                       "'%s' dependent snapshot(s)." % (share.id, snapshots))
        rpc.BROKER.check()
        if not allowed or not share_db.transition(
                context, instance.id, target, sources=[share.status]):
            raise exception.ForbiddenAction(
                reason="Share '%s' can not be unmanaged in status '%s'."
                       % (share.id, share_db.instance_get(
                           context, instance.id).status))
        if instance.host is None:
            # Never placed: nothing to forget on a backend.
            share_db.destroy(context, share.id)
        else:
            try:
                self.share_rpc.unmanage_share(context, instance.host,
                                              instance.id)
            except exception.BrokerUnavailable:
                share_db.transition(context, instance.id, share.status,
                                    sources=[target], force=True)
                raise
        LOG.info('Unmanage of share %s requested', share.id)
