"""What the scheduler is told about a share to place: its type resolved,
and the request spec built from its rows.

Used by every path that casts to the scheduler: create, manage, extend,
and the scheduler's own placing again of shares whose request was lost.
"""

from manila_lite import conf
from manila_lite.db import share_types as type_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite.share.api import create_options
from manila_lite.share import extra_specs

CONF = conf.CONF


def resolve_share_type(context, name_or_id):
    """The named type, or the configured default; 404 when none fits."""
    if name_or_id:
        return type_db.get_by_name_or_id(context, name_or_id)
    if not CONF.default_share_type:
        raise exception.DefaultShareTypeNotConfigured()
    try:
        return type_db.get_by_name(context, CONF.default_share_type,
                                   check_access=False)
    except exception.ShareTypeNotFound:
        raise exception.DefaultShareTypeNotConfigured()


def request_spec(context, instance, share_type=None):
    """What the scheduler needs to place an instance, as plain data."""
    share = instance.share
    if share_type is None and instance.share_type_id:
        share_type = type_db.get(context.elevated(), instance.share_type_id,
                                 check_access=False)
    return {
        'share_id': share.id, 'project_id': share.project_id,
        'size': share.size, 'share_proto': share.share_proto,
        'availability_zone': instance.availability_zone,
        'snapshot_id': share.snapshot_id,
        # Shares from a snapshot go where the snapshot can be read.
        'snapshot_host': share.snapshot_id and snapshot_db.snapshot_host(
            context, share.snapshot_id),
        'share_type': share_type and {
            'id': share_type.id, 'name': share_type.name,
            'extra_specs': share_type.specs},
        # The zones the scheduler may place the share in, or None for any:
        # set for a new share only (placement_spec). Extending or managing
        # a share checks the pool it is on, whatever zones its type lists.
        'availability_zones': None,
    }


def placement_spec(context, instance, share_type=None, hints=None,
                   type_zones=True):
    """request_spec of a share to place, with its scheduler hints.

    ``hints``: {hint: value} as create_options.scheduler_hints checked
    them, for a new share; None for a share placed again, whose affinity
    hints are read back from the metadata they were recorded in.
    ``type_zones``: whether the zones the share type lists in its
    ``availability_zones`` extra spec bind the placement; a share created
    below API 2.48 ignores them, as Manila does.
    """
    spec = request_spec(context, instance, share_type)
    if type_zones and spec['share_type']:
        spec['availability_zones'] = extra_specs.zones(
            spec['share_type']['extra_specs'].get(
                extra_specs.AVAILABILITY_ZONES)) or None
    if hints is None:
        hints = create_options.hints_from_metadata(
            instance.share.metadata_dict)
    spec['scheduler_hints'] = hints
    return spec
