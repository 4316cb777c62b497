"""Resource locks as the API process applies them (2.81+).

A lock vetoes one action on a share (``delete``: delete, soft delete,
unmanage) or on an access rule (``delete``: deny; ``show``: others see the
rule's access_to and access_key masked). Its ``lock_context`` records
who placed it -- a user, an administrator or a service -- and decides
who may change or lift it: a user's lock yields to anyone allowed by
policy, a service's only to services and administrators, an
administrator's only to administrators.

Policy checks stay with the API handlers; this module answers what the
locks themselves allow.
"""

from manila_lite.db import access_rules as access_db
from manila_lite.db import resource_locks as lock_db
from manila_lite import exception
from manila_lite import states

USER = 'user'
ADMIN = 'admin'
SERVICE = 'service'

# Statuses in which a deletion lock would come too late.
_SHARE_UNLOCKABLE = (states.DELETING, states.ERROR_DELETING,
                     states.UNMANAGE_STARTING, states.UNMANAGE_ERROR,
                     states.UNMANAGED, states.MANAGE_ERROR_UNMANAGE_STARTING,
                     states.DELETED) + states.DEFERRED_DELETION
_RULE_UNLOCKABLE = (states.ACCESS_QUEUED_TO_DENY, states.ACCESS_DENYING,
                    states.ACCESS_DENIED)


def lock_context(context):
    """Who the caller places locks as: service, admin or user."""
    if 'service' in [role.lower() for role in context.roles]:
        return SERVICE
    return ADMIN if context.is_admin else USER


def may_manipulate(context, lock):
    """Whether the caller's standing lets it change or lift ``lock``
    (policy aside): admin locks yield to admins, service locks to
    services and admins, user locks to all."""
    mine = lock_context(context)
    if lock.lock_context == ADMIN:
        return mine == ADMIN
    if lock.lock_context == SERVICE:
        return mine != USER
    return True


def lock_values(context, resource_type, action, reason):
    """The row of a new lock placed by the caller, but its resource_id."""
    return {'user_id': context.user_id, 'project_id': context.project_id,
            'lock_context': lock_context(context),
            'resource_type': resource_type, 'resource_action': action,
            'lock_reason': reason}


def check_no_visibility_lock(context, resource_id, but=None):
    """409: a rule has one visibility lock at most, whoever placed it
    (a second one, lifted, could expose the rule to someone else)."""
    found = [lock for lock in lock_db.locks_of(
        context, [resource_id], lock_db.SHOW).get(resource_id, [])
        if lock.id != but]
    if found:
        raise exception.ResourceLockConflict(
            reason="Resource's visibility is already locked by lock %s."
                   % found[0].id)


def check_lockable(resource_type, resource, action, error):
    """``error`` (a reason-taking exception) when ``resource`` (a share
    or a rule) is where a lock on ``action`` would be futile."""
    if action != lock_db.DELETE:
        return
    if resource_type == lock_db.SHARE:
        if resource.is_soft_deleted:
            raise error(reason='Resource cannot be locked since it has '
                               'been soft deleted.')
        status = resource.status
        unlockable = _SHARE_UNLOCKABLE
    else:
        status = access_db.rule_state(resource)
        unlockable = _RULE_UNLOCKABLE
    if status in unlockable:
        raise error(reason='Resource status %s not suitable for locking.'
                           % status)


def check_share_unlocked(context, share, action, error):
    """Raise ``error`` (a reason-taking exception) if locks veto
    ``action`` on the share; one query. A deletion lock on any of its
    access rules vetoes deleting the share too."""
    vetoes = lock_db.share_vetoes(context, share.id, lock_db.DELETE)
    if vetoes:
        raise error(reason='Resource lock(s) %s prevent the %s action on '
                           'share %s.' % (', '.join(v.id for v in vetoes),
                                          action, share.id))
