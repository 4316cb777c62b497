"""Standard share type extra specs: which exist, who sees them, valid values.

Operators may set any extra spec on a share type; most only steer the
scheduler. A few are part of the API contract: ``driver_handles_share_servers``
is required on every type, some are booleans users rely on, and this set is
the only one shown to users who are not administrators.
"""

import re

from oslo_utils import strutils

from manila_lite import exception

DHSS = 'driver_handles_share_servers'
SNAPSHOT_SUPPORT = 'snapshot_support'
AVAILABILITY_ZONES = 'availability_zones'

REQUIRED = (DHSS,)

BOOLEAN = (
    DHSS,
    SNAPSHOT_SUPPORT,
    'create_share_from_snapshot_support',
    'revert_to_snapshot_support',
    'mount_snapshot_support',
    'mount_point_name_support',
    'snapshot_inherit_share_access_support',
)

# Choice specs: key -> allowed values.
_CHOICES = {
    'replication_type': ('writable', 'readable', 'dr'),
    'encryption_support': ('share', 'share_server'),
}
# Size limits in GiB, positive integers.
_SIZES = ('provisioning:max_share_size', 'provisioning:min_share_size',
          'provisioning:max_share_extend_size')
# Free text that may be empty.
_TEXT = ('provisioning:mount_point_prefix', 'default_qos_type')

OPTIONAL = (BOOLEAN[1:] + tuple(_CHOICES) + (AVAILABILITY_ZONES,) + _SIZES +
            _TEXT)

# Shown to every user; the rest describe backends and stay with admins.
USER_VISIBLE = REQUIRED + OPTIONAL

# Optional booleans users are shown as False when a type leaves them unset
# (from API 2.24), so they can tell how shares of the type behave.
INFERRED_FALSE = (
    SNAPSHOT_SUPPORT,
    'create_share_from_snapshot_support',
    'revert_to_snapshot_support',
    'mount_snapshot_support',
)

# Capabilities a share type promises, copied onto each of its shares.
SHARE_CAPABILITIES = (
    SNAPSHOT_SUPPORT,
    'create_share_from_snapshot_support',
    'revert_to_snapshot_support',
    'mount_snapshot_support',
    'snapshot_inherit_share_access_support',
)

_IS_PREFIX = re.compile(r'^<is>\s*', re.IGNORECASE)


def as_bool(value):
    """True or False for any spelling of a boolean (a bool; 'True',
    'false', 'yes', 'off', '1', 't', 'n'... in any case; each optionally
    written '<is> True' as the scheduler's syntax has it); None for
    anything else. The API, the scheduler and the share manager all read
    boolean specs and capabilities through here."""
    if isinstance(value, bool):
        return value
    text = _IS_PREFIX.sub('', str(value).strip())
    try:
        return strutils.bool_from_string(text, strict=True)
    except ValueError:
        return None


def is_true(value):
    """A boolean spec that is set, and set to true (unset is false)."""
    return as_bool(value) is True


def share_capabilities(specs):
    """{capability: bool} a share of a type with ``specs`` gets."""
    return {key: is_true(specs.get(key)) for key in SHARE_CAPABILITIES}


def _positive_int(value):
    try:
        return int(str(value)) >= 1
    except ValueError:
        return False


def _valid(key, value):
    if key in BOOLEAN:
        return as_bool(value) is not None
    if key in _CHOICES:
        return value in _CHOICES[key]
    if key == AVAILABILITY_ZONES:
        return all(zone.strip() for zone in str(value).split(','))
    if key in _SIZES:
        return _positive_int(value)
    if key in _TEXT:
        return isinstance(value, str) and len(value) < 256
    return True


def validate(specs, require_all=True):
    """400 for a missing required spec or a bad value of a standard one.

    Returns the specs as stored: values as text (``True``, ``2``),
    zone lists without blanks around the commas.
    """
    # Numbers are checked as their text, the form they are stored in;
    # booleans stay booleans for the check.
    specs = {key: value if isinstance(value, (str, bool)) else str(value)
             for key, value in specs.items()}
    if require_all:
        missing = [key for key in REQUIRED if key not in specs]
        if missing:
            raise exception.InvalidShareType(
                reason="Required extra specs '%s' not specified."
                       % ','.join(missing))
    for key, value in specs.items():
        if not _valid(key, value):
            raise exception.InvalidShareType(
                reason='Invalid extra_spec: %s: %s' % (key, value))
    return {key: _stored(key, value) for key, value in specs.items()}


def zones(value):
    """The zone names an ``availability_zones`` value lists.

    Operators and clients write the list with or without blanks around
    the commas ('az1, az 2'); a name itself may contain blanks. Whoever
    compares zone lists (storage, list filter, share create, scheduler)
    reads them through here.
    """
    return [zone.strip() for zone in str(value or '').split(',')
            if zone.strip()]


def _stored(key, value):
    if key == AVAILABILITY_ZONES:
        return ','.join(zones(value))
    return str(value)


def required(specs):
    return {key: specs[key] for key in REQUIRED if key in specs}


def user_visible(specs):
    return {key: value for key, value in specs.items()
            if key in USER_VISIBLE}
