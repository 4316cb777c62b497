"""Share group lifecycle as the API sees it (API process): validate,
record with the quota charge, hand on by cast.

A create is placed by the scheduler on one backend able to hold shares
of every share type of the group; a delete is cast to that backend's
share manager (share/manager/groups.py). Nothing here waits for either.
"""

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import services as service_db
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_groups as group_db
from manila_lite.db import share_types as type_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share import extra_specs
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
DHSS = 'driver_handles_share_servers'


def _dhss(share_type):
    return str(share_type.specs.get(DHSS, '')).strip().lower() in (
        'true', '<is> true', '1')


def _share_types(context, share_type_ids):
    """The share types named, each readable by the caller; 400 for an
    unknown one (Manila answers so: it is a field of the body)."""
    if not share_type_ids:
        if not CONF.default_share_type:
            raise exception.InvalidInput(
                reason='Must specify at least one share type as a default '
                       'share type has not been configured.')
        try:
            return [type_db.get_by_name(context, CONF.default_share_type,
                                        check_access=False)]
        except exception.ShareTypeNotFound:
            raise exception.InvalidInput(
                reason='The default share type %s does not exist.'
                       % CONF.default_share_type)
    found = []
    for type_id in dict.fromkeys(share_type_ids):
        try:
            found.append(type_db.get(context, type_id))
        except exception.ShareTypeNotFound:
            raise exception.InvalidInput(
                reason='Share type with id %s could not be found.'
                       % type_id)
    return found


def _group_type(context, group_type_id):
    if not group_type_id:
        name = CONF.default_share_group_type
        if not name:
            raise exception.InvalidInput(
                reason='Must specify a share group type as a default share '
                       'group type has not been configured.')
        try:
            return group_type_db.get_by_name(context, name)
        except exception.ShareGroupTypeNotFound:
            raise exception.InvalidInput(
                reason='The default share group type %s does not exist.'
                       % name)
    try:
        return group_type_db.get(context, group_type_id)
    except exception.ShareGroupTypeNotFound:
        raise exception.InvalidInput(
            reason='The specified share group type %s does not exist.'
                   % group_type_id)


def _allowed_zones(share_types):
    """Zones every share type allows (None: any), as the list each
    type's ``availability_zones`` extra spec names."""
    allowed = None
    for share_type in share_types:
        listed = extra_specs.zones(
            share_type.specs.get(extra_specs.AVAILABILITY_ZONES))
        if listed:
            allowed = (listed if allowed is None
                       else [z for z in allowed if z in listed])
    return allowed


def _check_zone(context, zone, allowed):
    """404 for an unknown zone, 400 for one a share type does not allow."""
    if not zone:
        return
    if zone not in {z.name for z in service_db.zones(context)}:
        raise exception.AvailabilityZoneNotFound(id=zone)
    if allowed is not None and zone not in allowed:
        raise exception.InvalidInput(
            reason='Availability zone %s is not allowed by every share type '
                   'of the group; they all allow only: %s.'
                   % (zone, ', '.join(allowed) or 'none'))


def _check_network(share_types, share_network_id):
    dhss = {_dhss(share_type) for share_type in share_types}
    if len(dhss) > 1:
        raise exception.InvalidInput(
            reason='The specified share types cannot have conflicting '
                   'values for the driver_handles_share_servers extra '
                   'spec.')
    if dhss == {True}:
        raise exception.InvalidInput(
            reason='Share groups of share types with '
                   'driver_handles_share_servers=True are not served yet.')
    if share_network_id:
        raise exception.InvalidInput(
            reason='When using share types with the '
                   'driver_handles_share_servers extra spec as False, a '
                   'share_network_id must not be provided.')


def _not_deletable(status):
    return exception.InvalidShareGroup(
        reason='Share group status must be one of %s, not %s.'
               % (', '.join(states.sources(states.SHARE_GROUP,
                                           states.DELETING)), status))


def schedule_spec(group, share_types, group_type, allowed_zones):
    """What the scheduler needs to place a group, as plain data."""
    return {
        'share_group_id': group.id, 'project_id': group.project_id,
        'availability_zone': group.availability_zone,
        'availability_zones': allowed_zones,
        'group_specs': dict(group_type.specs),
        'share_types': [{'id': t.id, 'name': t.name,
                         'extra_specs': dict(t.specs)}
                        for t in share_types],
    }


class API:
    def __init__(self):
        self.scheduler_rpc = scheduler_rpcapi.shared()
        self.share_rpc = share_rpcapi.shared()

    def create(self, context, name=None, description=None,
               share_group_type_id=None, share_type_ids=None,
               availability_zone=None, share_network_id=None):
        group_type = _group_type(context, share_group_type_id)
        share_types = _share_types(context, share_type_ids)
        supported = set(group_type.share_type_ids)
        if not {t.id for t in share_types} <= supported:
            raise exception.InvalidInput(
                reason='The specified share types must be a subset of the '
                       'share types supported by the share group type.')
        _check_network(share_types, share_network_id)
        allowed = _allowed_zones(share_types)
        _check_zone(context, availability_zone, allowed)
        rpc.BROKER.check()
        group = group_db.create(
            context, {'name': name, 'description': description,
                      'share_group_type_id': group_type.id,
                      'availability_zone': availability_zone},
            [t.id for t in share_types])
        try:
            self.scheduler_rpc.create_share_group(
                context, group.id,
                schedule_spec(group, share_types, group_type, allowed))
        except exception.BrokerUnavailable:
            group_db.destroy(context, group.id)
            raise
        return group

    def delete(self, context, group):
        if group.host is None and group.status in (
                states.CREATING, states.ERROR):
            # Never placed: no backend holds anything of it.
            group_db.destroy(context, group.id)
            return
        if not states.allowed(states.SHARE_GROUP, group.status,
                              states.DELETING):
            raise _not_deletable(group.status)
        # Shares cannot join a group yet, so none holds shares or
        # snapshots to refuse the delete for.
        rpc.BROKER.check()
        if not group_db.transition(context, group.id, states.DELETING):
            raise _not_deletable(group_db.get(context, group.id).status)
        try:
            self.share_rpc.delete_share_group(context, group.host, group.id)
        except exception.BrokerUnavailable:
            group_db.transition(context, group.id, group.status,
                                sources=[states.DELETING], force=True)
            raise

    @staticmethod
    def force_delete(context, group):
        """Forget the group, whatever its status, as Manila does: the
        backend is not asked."""
        group_db.destroy(context, group.id)
        LOG.info('Share group %s force-deleted by %s', group.id,
                 context.user_id)

    @staticmethod
    def reset_status(context, group, status):
        if status not in states.SHARE_GROUP_RESET_STATUSES:
            raise exception.InvalidInput(
                reason='Invalid status %s; allowed are %s.'
                       % (status,
                          ', '.join(states.SHARE_GROUP_RESET_STATUSES)))
        group_db.set_status(context, group.id, status)
        LOG.info('Status of share group %s reset to %s by %s', group.id,
                 status, context.user_id)
