"""Share lifecycle as the API sees it: validate, record, hand on by cast.

Nothing here waits for a backend. A create writes the share, its instance
and the quota charge in one transaction and casts to the scheduler; a
delete moves the instance to ``deleting`` and casts to its share service.
"""

import functools

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share.api import create_options
from manila_lite.share.api import deferred as deferred_api
from manila_lite.share.api import locks as lock_api
from manila_lite.share.api import manage as manage_api
from manila_lite.share.api import networks as network_api
from manila_lite.share.api import resize as resize_api
from manila_lite.share.api import snapshots as snapshot_api
from manila_lite.share.api import specs as specs_api
from manila_lite.share import extra_specs
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def _deletable():
    """The statuses a share's delete starts from, for messages."""
    return ', '.join(states.sources(states.SHARE_INSTANCE, states.DELETING))


class API(resize_api.ResizeAPIMixin, manage_api.ManageAPIMixin):
    def __init__(self):
        self.scheduler_rpc = scheduler_rpcapi.SchedulerAPI()
        self.share_rpc = share_rpcapi.ShareAPI()

    def create(self, context, share_proto, size, name=None,
               description=None, share_type=None, availability_zone=None,
               metadata=None, is_public=False, snapshot_id=None,
               share_network_id=None,
               check_create_from_snapshot_support=False,
               scheduler_hints=None, mount_point_name=None,
               encryption_key_ref=None, type_zones=True):
        """A new share, cast to the scheduler; ``type_zones`` False (API
        below 2.48) ignores the zones the share type lists."""
        proto = share_proto.upper()
        if proto not in [p.upper() for p in CONF.enabled_share_protocols]:
            raise exception.InvalidInput(
                reason='Invalid share protocol %s; enabled protocols are %s.'
                       % (share_proto,
                          ', '.join(CONF.enabled_share_protocols)))
        requested_zone = availability_zone
        if snapshot_id:
            # 2.24+ refuses parents without create_share_from_snapshot.
            requested = share_type and type_db.get_by_name_or_id(
                context, share_type)
            _snap, share_type, availability_zone, share_network_id = \
                snapshot_api.source_for_new_share(
                    context, snapshot_id, size, requested,
                    availability_zone, share_network_id,
                    check_create_from_snapshot_support)
        if not snapshot_id:
            share_type = specs_api.resolve_share_type(context, share_type)
        specs = share_type.specs
        network_api.check_share_network(
            context, share_network_id, share_type.name,
            extra_specs.is_true(specs.get(extra_specs.DHSS)),
            availability_zone)
        self._check_zone(context, requested_zone,
                         extra_specs.zones(specs.get(
                             extra_specs.AVAILABILITY_ZONES))
                         if type_zones else [])
        # The type's size limits (2.61) bind new shares as they bind
        # resizes.
        for limit in (resize_api.MIN_SIZE, resize_api.MAX_SIZE):
            resize_api.check_provisioning_size(share_type, size, limit)
        # Microversion options (2.65+), all checked before anything is
        # written; affinity hints are kept as admin-only metadata.
        mount_point_name = create_options.mount_point_name(
            context, mount_point_name, specs)
        encryption_key_ref = create_options.encryption_key_ref(
            encryption_key_ref, specs)
        qos_type_id = create_options.qos_type_id(context, specs)
        scheduler_hints = scheduler_hints or {}
        metadata = dict(metadata or {},
                        **create_options.hint_metadata(scheduler_hints))

        share_values = dict(
            mount_point_name=mount_point_name,
            encryption_key_ref=encryption_key_ref,
            project_id=context.project_id, user_id=context.user_id,
            display_name=name, display_description=description, size=size,
            share_proto=proto, is_public=is_public, snapshot_id=snapshot_id,
            replication_type=specs.get('replication_type'),
            **extra_specs.share_capabilities(specs))
        instance_values = dict(status=states.CREATING,
                               availability_zone=availability_zone,
                               share_network_id=share_network_id,
                               share_type_id=share_type.id,
                               access_rules_status=states.ACCESS_ACTIVE,
                               progress='0%')
        if qos_type_id:
            instance_values['qos_type_id'] = qos_type_id
        share = share_db.create(
            context, share_values, instance_values, metadata,
            hint_shares=create_options.hint_shares(scheduler_hints))
        # For the response: the type is in hand, not worth another read.
        share.share_type_name = share_type.name
        self.scheduler_rpc.create_share_instance(
            context, share.instance.id,
            specs_api.placement_spec(
                context, share.instance, share_type, scheduler_hints,
                type_zones))
        return share

    @staticmethod
    def _check_zone(context, zone, allowed):
        """404 for an unknown zone, 400 for one outside ``allowed`` (the
        share type's list, when it binds; empty: any zone)."""
        if not zone:
            return
        if zone not in {z.name for z in service_db.zones(context)}:
            raise exception.AvailabilityZoneNotFound(id=zone)
        if allowed and zone not in allowed:
            raise exception.InvalidInput(
                reason='Share type does not allow availability zone %s; it '
                       'allows %s.' % (zone, ', '.join(allowed)))

    def delete(self, context, share):
        # Resource locks first, as Manila: one query (share/api/locks.py).
        lock_api.check_share_unlocked(context, share, 'delete',
                                      exception.ShareBusy)
        instance = share.instance
        if not states.allowed(states.SHARE_INSTANCE, instance.status,
                              states.DELETING):
            raise exception.ShareBusy(
                reason='Share status must be one of %s, not %s.'
                       % (_deletable(), instance.status))
        self._delete(context, share, force=False)

    def force_delete(self, context, share):
        # Locks hold against force too; Manila answers 400 here.
        lock_api.check_share_unlocked(context, share, 'force_delete',
                                      exception.InvalidShare)
        self._delete(context, share, force=True)

    def _delete(self, context, share, force):
        if deferred_api.applies(force, share.instance.status):
            deferred_api.delete_share(context, self.share_rpc, share, force)
            return
        instance = share.instance
        # force_delete may start from any status, deleting included.
        sources = list(states.SHARE_INSTANCE) if force else None
        # Snapshots are counted in the transaction that moves the share
        # to deleting (or destroys one never placed).
        count, moved = share_db.start_delete(
            context, share.id, instance.id, states.DELETING, sources,
            destroy=instance.host is None)
        if count:
            # Manila answers 403 on delete, 400 on force_delete.
            error = exception.InvalidShare if force else exception.ShareBusy
            raise error(reason='Share still has %d dependent snapshots.'
                        % count)
        if instance.host is None:
            # Never placed (no valid host): nothing exists on a backend.
            return
        if not moved:
            current = share_db.get(context, share.id).status
            raise exception.InvalidStatusTransition(
                resource='Share', id=share.id, current=current,
                allowed=_deletable())
        self.share_rpc.delete_share_instance(context, instance.host,
                                             instance.id, force=force)

    def reset_status(self, context, share, status):
        if deferred_api.reset_share_status(context, share, status):
            return
        if status not in states.SHARE_RESET_STATUSES:
            raise exception.InvalidInput(
                reason='Invalid status %s; allowed are %s.'
                       % (status, ', '.join(states.SHARE_RESET_STATUSES)))
        share_db.set_status(context, share.instance.id, status)
        LOG.info('Status of share %s reset to %s by %s', share.id, status,
                 context.user_id)

    def update(self, context, share, values):
        return share_db.update(context, share.id, values)


@functools.cache
def get():
    """The share API of this process, made on first use (it opens RPC
    clients)."""
    return API()
