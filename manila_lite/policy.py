"""oslo.policy enforcement; rules and defaults live in manila_lite.policies.

The enforcer is built once per process; oslo.policy reloads an operator's
policy file when it changes, so overrides apply without a restart.
"""

from oslo_policy import policy as oslo_policy

from manila_lite import conf
from manila_lite import exception
from manila_lite import policies

CONF = conf.CONF
_ENFORCER = None


def get_enforcer():
    """Entry point for oslopolicy-* tools, and the process-wide enforcer."""
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = oslo_policy.Enforcer(CONF)
        _ENFORCER.register_defaults(policies.list_rules())
    return _ENFORCER


def reset():
    global _ENFORCER
    _ENFORCER = None


def authorize(context, action, target):
    try:
        get_enforcer().authorize(action, target, context, do_raise=True,
                                 exc=exception.PolicyNotAuthorized,
                                 action=action)
    except oslo_policy.PolicyNotRegistered:
        raise exception.PolicyNotAuthorized(action=action)


def check_is_admin(context):
    return get_enforcer().enforce('context_is_admin', {}, context)
