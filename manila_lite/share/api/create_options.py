"""Options of a new share added by microversions: scheduler hints (2.65,
2.67), a mount point name (2.84, and on manage 2.92), an encryption key
reference (2.90) and the QoS type its share type names (2.94).

Each is checked here before anything is written, so a bad request leaves
no row behind. Affinity hints are kept as admin-only share metadata, as
Manila keeps them, so a rescheduled share keeps its constraints.
"""

import re

from oslo_utils import uuidutils

from manila_lite import conf
from manila_lite.conf import share_features
from manila_lite.db import qos_types as qos_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share import extra_specs

CONF = conf.CONF

SAME_HOST = 'same_host'
DIFFERENT_HOST = 'different_host'
ONLY_HOST = 'only_host'
# Hint -> share metadata key it is kept under.
HINT_KEYS = {SAME_HOST: share_features.AFFINITY_KEY,
             DIFFERENT_HOST: share_features.ANTI_AFFINITY_KEY}

_MOUNT_POINT_NAME = re.compile(r'^[A-Za-z0-9_]+$')
ENCRYPTION_TYPES = ('share', 'share_server')


def _share_ids(value, hint):
    """The share ids of one hint: a list, or text separated by commas."""
    if isinstance(value, str):
        ids = [item.strip() for item in value.split(',') if item.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        ids = [item.strip() for item in value if item.strip()]
    else:
        raise exception.InvalidInput(
            reason='Scheduler hint %s must be a share id or a list of share '
                   'ids.' % hint)
    return ids


def scheduler_hints(context, hints, only_host_allowed):
    """{hint: value} to act on, every share id checked: 400 for one that
    is not a UUID, 404 for a share the caller cannot see.

    ``only_host`` counts from 2.67 and only for administrators (others'
    is ignored, as Manila's OnlyHostFilter ignores it); other keys are
    ignored as Manila ignores them. A share named in both affinity hints
    is accepted, as Manila accepts it: no pool can satisfy both, and the
    new share ends in ``error``.
    """
    if not hints:
        return {}
    if not isinstance(hints, dict):
        raise exception.InvalidInput(
            reason='scheduler_hints must be an object.')
    checked = {}
    for hint in (SAME_HOST, DIFFERENT_HOST):
        if hints.get(hint) in (None, '', []):
            continue
        ids = _share_ids(hints[hint], hint)
        for share_id in ids:
            if not uuidutils.is_uuid_like(share_id):
                raise exception.InvalidInput(
                    reason='Scheduler hint %s: %s is not a share id.'
                           % (hint, share_id))
            share_db.get(context, share_id)
        checked[hint] = ids
    only_host = hints.get(ONLY_HOST)
    if only_host and only_host_allowed and context.is_admin:
        if not isinstance(only_host, str) or '#' not in only_host:
            raise exception.InvalidInput(
                reason="Scheduler hint only_host must name a pool, as "
                       "'host@backend#pool'.")
        checked[ONLY_HOST] = only_host
    return checked


def hint_metadata(hints):
    """Share metadata that records the affinity hints."""
    return {key: ','.join(hints[hint]) for hint, key in HINT_KEYS.items()
            if hints.get(hint)}


def hint_shares(hints):
    """{metadata key: [share ids]}: the shares the affinity hints name,
    each of which records the new share under the same key."""
    return {key: list(hints[hint]) for hint, key in HINT_KEYS.items()
            if hints.get(hint)}


def hints_from_metadata(metadata):
    """The affinity hints a share was created with, from its metadata."""
    hints = {}
    for hint, key in HINT_KEYS.items():
        value = (metadata or {}).get(key)
        if value:
            hints[hint] = [item for item in value.split(',') if item]
    return hints


def mount_point_name(context, name, specs):
    """The stored mount point name: the type's prefix (or the project id)
    and the name asked for; 400 when the type does not allow one or the
    result is not plain letters, digits and underscores of at most 255."""
    if name is None:
        return None
    if not extra_specs.is_true(specs.get('mount_point_name_support')):
        raise exception.InvalidInput(
            reason='Share type does not allow a mount_point_name: its '
                   'extra spec mount_point_name_support is not True.')
    prefix = specs.get('provisioning:mount_point_prefix')
    if prefix is None:
        prefix = context.project_id or ''
    full = '%s%s' % (prefix, name)
    if not name or not _MOUNT_POINT_NAME.match(full) or len(full) > 255:
        raise exception.InvalidInput(
            reason="mount_point_name '%s' is not valid: with its prefix it "
                   "must be 1 to 255 ASCII letters, digits or "
                   "underscores." % full)
    return full


def encryption_key_ref(key_ref, specs):
    """The key reference to store; 400 unless the share type encrypts.

    No key manager is consulted: the reference is kept as given, for a
    driver able to encrypt to resolve.
    """
    if key_ref is None:
        return None
    if not isinstance(key_ref, str) or not uuidutils.is_uuid_like(key_ref):
        raise exception.InvalidInput(
            reason='encryption_key_ref must be the UUID of a secret.')
    if specs.get('encryption_support') not in ENCRYPTION_TYPES:
        raise exception.InvalidInput(
            reason="Share type extra spec 'encryption_support' must be one "
                   "of %s to create an encrypted share."
                   % ', '.join(ENCRYPTION_TYPES))
    if not extra_specs.is_true(specs.get(extra_specs.DHSS)):
        raise exception.InvalidInput(
            reason='Share type must set driver_handles_share_servers=True '
                   'for share encryption.')
    return key_ref


QOS_TYPE_SPEC = 'default_qos_type'


def qos_type_id(context, specs):
    """Id of the QoS type the share type names (``default_qos_type``), or
    None when it names none; 400 when no QoS type has that name."""
    name = specs.get(QOS_TYPE_SPEC)
    if not name:
        return None
    qos_type = qos_db.get_by_name(context, name)
    if qos_type is None:
        raise exception.InvalidInput(
            reason="QoS type '%s', named by extra spec %s of the share "
                   "type, does not exist." % (name, QOS_TYPE_SPEC))
    return qos_type.id
