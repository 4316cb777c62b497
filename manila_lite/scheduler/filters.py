"""Filters deciding which pools may receive a share.

Each filter answers one question about one pool for one request spec.
The host manager runs the filters named in ``scheduler_default_filters``
in order, and reports the filter that removed the last candidates.

Share type extra specs are matched against pool capabilities with the
operator syntax operators already use with Manila, e.g. ``<is> True``,
``<in> NFS``, ``>= 10``, ``<or> gold <or> silver``, ``s== Local``,
``<all-in> a b``; a value without an operator must equal the capability.
"""

import math
import operator

from oslo_log import log as logging

from manila_lite.scheduler import evaluator
from manila_lite.share import extra_specs

LOG = logging.getLogger(__name__)

# Extra specs never compared to capabilities: the zones a type allows
# (the API passes them on as the request spec's zones) and the QoS type
# (2.94) its shares record (no backend reports QoS support yet).
NON_CAPABILITY_EXTRA_SPECS = ('availability_zones', 'default_qos_type')

DEFAULT_MAX_OVER_SUBSCRIPTION_RATIO = 20.0


def _numeric(compare):
    return lambda value, wanted: compare(float(value), float(wanted))


def _string(compare):
    return lambda value, wanted: compare(str(value), wanted)


# Operators comparing text take every word after them ("s== Local NFS");
# numeric ones take the first.
_OPERATORS = {
    '=': _numeric(operator.ge),   # historical spelling of '>='
    '==': _numeric(operator.eq),
    '!=': _numeric(operator.ne),
    '>=': _numeric(operator.ge),
    '<=': _numeric(operator.le),
    's==': _string(operator.eq),
    's!=': _string(operator.ne),
    's>=': _string(operator.ge),
    's>': _string(operator.gt),
    's<=': _string(operator.le),
    's<': _string(operator.lt),
    '<in>': lambda value, wanted: wanted in str(value),
    '<is>': lambda value, wanted: (
        extra_specs.as_bool(value) is not None and
        extra_specs.as_bool(value) is extra_specs.as_bool(wanted)),
}
_TEXT_OPERATORS = ('s==', 's!=', 's>=', 's>', 's<=', 's<', '<in>')


def _equals(value, wanted):
    """Plain equality between a capability and a spec's text."""
    if isinstance(value, bool):
        return extra_specs.as_bool(wanted) is value
    if isinstance(value, str):
        return value == wanted
    # Numbers: extra specs and query strings are always text.
    try:
        return float(value) == float(wanted)
    except (TypeError, ValueError):
        return False


def match(value, requirement):
    """Whether one capability value satisfies one extra spec value."""
    if value is None:
        return False
    requirement = str(requirement)
    words = requirement.split()
    op = words[0] if words else None
    if op not in _OPERATORS and op not in ('<or>', '<all-in>'):
        return _equals(value, requirement)
    operands = words[1:]
    if op == '<or>':
        # "<or> a <or> b <or> c": any of the listed values.
        return any(_equals(value, word) for word in operands
                   if word != '<or>')
    if op == '<all-in>':
        members = value if isinstance(value, (list, tuple, set)) else None
        if members is not None:
            members = [str(member) for member in members]
            return bool(operands) and all(w in members for w in operands)
        return bool(operands) and all(w in str(value) for w in operands)
    if not operands:
        return False
    wanted = ' '.join(operands) if op in _TEXT_OPERATORS else operands[0]
    try:
        return bool(_OPERATORS[op](value, wanted))
    except (TypeError, ValueError):
        return False


def capabilities_satisfied(capabilities, specs):
    """Whether the capabilities satisfy every unscoped extra spec.

    Keys scoped with a prefix other than ``capabilities:`` belong to a
    driver and are skipped; ``capabilities:a:b`` walks nested dicts.
    """
    for key, requirement in (specs or {}).items():
        path = key.split(':')
        if path[0] == 'capabilities':
            path = path[1:]
        elif len(path) > 1 or key in NON_CAPABILITY_EXTRA_SPECS:
            continue
        value = capabilities
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                LOG.debug('Capability %s (extra spec %s) is not reported.',
                          part, key)
                return False
        if not _value_matches(value, str(requirement)):
            LOG.debug('Capability %(key)s=%(value)s does not satisfy '
                      '"%(req)s".', {'key': key, 'value': value,
                                     'req': requirement})
            return False
    return True


def _value_matches(value, requirement):
    # A list capability (e.g. thin_provisioning [True, False]) means the
    # pool can do any of them; '<all-in>' is about the list as a whole.
    if isinstance(value, (list, tuple, set)):
        if requirement.split()[:1] == ['<all-in>']:
            return match(list(value), requirement)
        return any(match(item, requirement) for item in value)
    return match(value, requirement)


def type_specs(spec):
    return dict((spec.get('share_type') or {}).get('extra_specs') or {})


def scheduling_extra_specs(spec):
    """The share type's extra specs as the filters should apply them.

    Bare boolean specs gain '<is>', the requested protocol must be among
    those the pool reports, and a copy from a snapshot may leave the
    named backend (only the snapshot's own backends are candidates).
    """
    specs = type_specs(spec)
    # A bare 'True' of a boolean spec means '<is> True'.
    for name in extra_specs.BOOLEAN:
        for key in (name, 'capabilities:' + name):
            value = specs.get(key)
            if value is not None and not str(value).strip().startswith('<'):
                specs[key] = '<is> %s' % value
    has_protocol = ('storage_protocol' in specs or
                    'capabilities:storage_protocol' in specs)
    if not has_protocol and spec.get('share_proto'):
        specs['storage_protocol'] = '<in> %s' % spec['share_proto'].upper()
    if spec.get('snapshot_host'):
        specs.pop('share_backend_name', None)
        specs.pop('capabilities:share_backend_name', None)
    return specs


def use_thin_logic(spec):
    """Whether the share type allows over-subscription.

    A share type without a thin_provisioning extra spec keeps the
    historical behaviour (thin pools are over-subscribed); one asking
    for thick shares is checked against real free space.
    """
    specs = type_specs(spec)
    wanted = specs.get('thin_provisioning',
                       specs.get('capabilities:thin_provisioning'))
    if wanted is None:
        return True
    words = str(wanted).split()
    if words[:1] == ['<is>']:
        words = words[1:]
    return extra_specs.as_bool(' '.join(words)) is not False


def pool_is_thin(pool):
    """Drivers report thin_provisioning as a bool or a list of bools."""
    reported = pool.thin_provisioning
    values = reported if isinstance(reported, (list, tuple)) else [reported]
    return any(extra_specs.as_bool(value) is True for value in values)


def capacity_value(value):
    """A capacity as float, or 'unknown'/'infinite', or None if absent."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ('unknown', 'infinite'):
            return text
        try:
            return float(text)
        except ValueError:
            return 'unknown'
    return float(value)


def over_subscription_ratio(pool):
    try:
        return float(pool.max_over_subscription_ratio)
    except (TypeError, ValueError):
        return DEFAULT_MAX_OVER_SUBSCRIPTION_RATIO


def function_namespaces(pool, spec):
    """Variables offered to filter and goodness functions."""
    share = {key: value for key, value in spec.items()
             if not isinstance(value, (dict, list))}
    share.setdefault('id', spec.get('share_id'))
    return {
        'share': share,
        'stats': pool.stats(),
        'capabilities': dict(pool.capabilities),
        'extra': type_specs(spec),
    }


class BaseFilter:
    """One yes/no question about a pool; subclasses answer it."""

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, pool, spec):
        raise NotImplementedError()

    def filter_all(self, pools, spec):
        return [pool for pool in pools if self.host_passes(pool, spec)]


class AvailabilityZoneFilter(BaseFilter):
    """Keeps pools in the requested zone and in the zones the request
    spec allows.

    The share type's ``availability_zones`` extra spec is not read here:
    the API decides whether it binds (not below 2.48, nor for a share
    already placed) and puts the zones in the spec's
    ``availability_zones``.
    """

    def host_passes(self, pool, spec):
        requested = spec.get('availability_zone')
        if requested and pool.availability_zone != requested:
            return False
        allowed = spec.get('availability_zones')
        return not allowed or pool.availability_zone in allowed


class CapacityFilter(BaseFilter):
    """Keeps pools with room for the share.

    Room is free space less the reserved percentage of the total; on thin
    pools (for share types that allow it) the provisioned total after
    placing the share must stay within max_over_subscription_ratio times
    the real capacity.  Backends that report 'unknown' or 'infinite' free
    space are trusted to have room.
    """

    def host_passes(self, pool, spec):
        size = spec.get('size') or 0
        free_space = capacity_value(pool.free_capacity_gb)
        total_space = capacity_value(pool.total_capacity_gb)
        if free_space is None:
            LOG.error('Pool %s reports no free capacity; its backend '
                      'stats are broken.', pool.name)
            return False
        if spec.get('snapshot_id'):
            percentage = pool.reserved_snapshot_percentage
        else:
            percentage = pool.reserved_percentage
        reserved = float(percentage or 0) / 100

        if free_space in ('unknown', 'infinite'):
            return True
        if total_space in ('unknown', 'infinite', None):
            # The reserve is a share of the total, unknowable here.
            return reserved == 0 and size <= free_space
        if total_space <= 0:
            LOG.warning('Pool %s reports a total capacity of %s.',
                        pool.name, total_space)
            return False

        free = math.floor(free_space - total_space * reserved)
        ratio = over_subscription_ratio(pool)
        if use_thin_logic(spec) and pool_is_thin(pool):
            if ratio < 1:
                LOG.error('Pool %s has an invalid max_over_subscription_'
                          'ratio %s; it must be at least 1.',
                          pool.name, ratio)
                return False
            provisioned = float(pool.provisioned_capacity_gb or 0)
            if (provisioned + size) / total_space > ratio:
                LOG.debug('Pool %(pool)s would exceed its over-subscription '
                          'ratio %(ratio)s with %(size)s GiB more.',
                          {'pool': pool.name, 'ratio': ratio, 'size': size})
                return False
            return free * ratio >= size
        if free < size:
            LOG.debug('Pool %(pool)s has %(free)s GiB of room, %(size)s '
                      'GiB requested.',
                      {'pool': pool.name, 'free': free, 'size': size})
            return False
        return True


class CapabilitiesFilter(BaseFilter):
    """Keeps pools whose capabilities satisfy the share type extra specs."""

    def host_passes(self, pool, spec):
        return capabilities_satisfied(pool.capabilities,
                                      scheduling_extra_specs(spec))


class DriverFilter(BaseFilter):
    """Keeps pools whose backend's filter_function accepts the share.

    A function that cannot be evaluated rejects the pool rather than
    letting a misconfigured backend take shares it may not handle.
    """

    def host_passes(self, pool, spec):
        wanted_backend = scheduling_extra_specs(spec).get(
            'share_backend_name')
        if (wanted_backend is not None and
                not match(pool.capabilities.get('share_backend_name'),
                          wanted_backend)):
            return False
        function = pool.capabilities.get('filter_function')
        if function is None or not str(function).strip():
            return True
        try:
            result = evaluator.evaluate(
                str(function), **function_namespaces(pool, spec))
        except evaluator.EvaluatorError as err:
            LOG.warning('Rejecting pool %(pool)s: its filter_function '
                        '%(function)r cannot be evaluated: %(err)s',
                        {'pool': pool.name, 'function': function,
                         'err': err})
            return False
        return bool(result)
