"""oslo.policy enforcement; rules and defaults live in manila_lite.policies.

The enforcer is built once per process. It looks at the policy file
(``[oslo_policy] policy_file``, found beside the config files) at most
once a second and reloads it when its modification time changes, so an
operator's overrides apply within a second, without a restart -- and
removing the file brings the defaults back.

Only project-scoped tokens are accepted, as in Manila: every rule has
``scope_types=['project']``, and oslo.policy refuses a system- or
domain-scoped token for it (answered 403 here, also where a refused
project-scoped caller is answered 404).
"""

import threading
import time

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from manila_lite import conf
from manila_lite import exception
from manila_lite import policies

CONF = conf.CONF
_ENFORCER = None
_LOCK = threading.Lock()
# Seconds between looks at the policy file.
LOOK_INTERVAL = 1.0


class _Enforcer(oslo_policy.Enforcer):
    """Looks for a changed policy file at most once per LOOK_INTERVAL.

    oslo.policy searches the config directories for the policy file and
    its directories, and stats them, on every check: a few hundred
    microseconds, two to four times per API request. One thread looks
    per interval; threads arriving while it does wait for it, then use
    what it loaded.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_look = 0.0
        self._look_lock = threading.Lock()

    def load_rules(self, force_reload=False):
        if not force_reload and time.monotonic() < self._next_look:
            return
        with self._look_lock:
            if not force_reload and time.monotonic() < self._next_look:
                return
            super().load_rules(force_reload)
            self._next_look = time.monotonic() + LOOK_INTERVAL


def enforcer():
    """The process-wide enforcer, with every default registered.

    Built and loaded under a lock, and published only when complete:
    request threads of a fresh API worker all arrive here at once, and
    oslo.policy's first rule load is not safe to run concurrently.
    """
    global _ENFORCER
    if _ENFORCER is None:
        with _LOCK:
            if _ENFORCER is None:
                new = _Enforcer(CONF)
                new.register_defaults(policies.list_rules())
                new.load_rules()
                _ENFORCER = new
    return _ENFORCER


def get_enforcer():
    """Entry point of the oslopolicy-* tools (``oslo.policy.enforcer``).

    The tools parse their own options, not ours; so that they see the
    operator's policy file, manila-lite's configuration is parsed here from
    its default files when nobody has parsed it yet.
    """
    try:
        CONF.find_file('policy.yaml')
    except cfg.NotInitializedError:
        CONF([], project='manila-lite')
    return enforcer()


def reset():
    global _ENFORCER
    if _ENFORCER is not None:
        _ENFORCER.clear()
    _ENFORCER = None


class ScopeNotAccepted(exception.PolicyNotAuthorized):
    """A token of a scope the rule does not take: a system-scoped one."""


def authorize(context, action, target):
    """Raise PolicyNotAuthorized (403) unless ``action`` is allowed.

    An unregistered action is refused: a handler naming a rule nobody
    registered is a bug, and failing closed keeps it from being an open
    door.
    """
    try:
        enforcer().authorize(action, target, context, do_raise=True,
                             exc=exception.PolicyNotAuthorized,
                             action=action)
    except oslo_policy.PolicyNotRegistered:
        raise exception.PolicyNotAuthorized(action=action)
    except oslo_policy.InvalidScope:
        raise ScopeNotAccepted(action=action)


def allowed(context, action, target):
    """Whether ``action`` is allowed, for optional behaviour (a filter
    honoured only for some callers, a resource answered 404 to those who
    may not see it) rather than a refusal. A token of the wrong scope is
    refused here too (403), as by every action."""
    try:
        authorize(context, action, target)
    except ScopeNotAccepted:
        raise
    except exception.PolicyNotAuthorized:
        return False
    return True


def check_is_admin(context):
    """Whether the caller passes ``context_is_admin`` (sees every project).

    Checked without a scope: a system-scoped admin is still an admin here,
    and is then refused by the project scope of each action's rule.
    """
    return enforcer().enforce('context_is_admin', {},
                              context.to_policy_values())
