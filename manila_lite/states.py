"""Status values and the one table of allowed transitions per resource.

API actions and the share manager never compare status strings themselves:
they ask for a transition here, and the database layer applies it with a
conditional UPDATE so two racing requests cannot both win.
"""

from manila_lite import exception

CREATING = 'creating'
AVAILABLE = 'available'
ERROR = 'error'
DELETING = 'deleting'
ERROR_DELETING = 'error_deleting'
DELETED = 'deleted'
# Revert to snapshot (2.27+): the share reverts, its snapshot restores.
REVERTING = 'reverting'
REVERTING_ERROR = 'reverting_error'
RESTORING = 'restoring'
# Snapshot manage/unmanage (2.12+).
MANAGE_STARTING = 'manage_starting'
MANAGE_ERROR = 'manage_error'
UNMANAGE_STARTING = 'unmanage_starting'
UNMANAGE_ERROR = 'unmanage_error'
UNMANAGED = 'unmanaged'
# Share manage/unmanage (the unmanage of a share that failed to be managed
# has its own status: it gives no quota back).
MANAGE_ERROR_UNMANAGE_STARTING = 'manage_error_unmanage_starting'
# Extend and shrink.
EXTENDING = 'extending'
EXTENDING_ERROR = 'extending_error'
SHRINKING = 'shrinking'
SHRINKING_ERROR = 'shrinking_error'

# Access rule summary on an instance (2.10+); nothing sets other values
# until access rules exist.
ACCESS_ACTIVE = 'active'

# Statuses an administrator may set with reset_status.
SHARE_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING, ERROR_DELETING)

# current status -> statuses it may move to.
SHARE_INSTANCE = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING, REVERTING, EXTENDING, SHRINKING,
                UNMANAGE_STARTING},
    ERROR: {DELETING, UNMANAGE_STARTING},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: {DELETING},
    # An admin resets a failed revert once the backend is checked.
    REVERTING: {AVAILABLE, REVERTING_ERROR},
    REVERTING_ERROR: set(),
    # Resizing: a refused shrink goes back to available; the error states
    # wait for an administrator (reset_status, force_delete, unmanage).
    EXTENDING: {AVAILABLE, EXTENDING_ERROR},
    EXTENDING_ERROR: {UNMANAGE_STARTING},
    SHRINKING: {AVAILABLE, SHRINKING_ERROR},
    SHRINKING_ERROR: {UNMANAGE_STARTING},
    # Manage: the share row exists, holding no quota, until the backend
    # has reported its size.
    MANAGE_STARTING: {AVAILABLE, MANAGE_ERROR},
    MANAGE_ERROR: {MANAGE_ERROR_UNMANAGE_STARTING},
    UNMANAGE_STARTING: {UNMANAGED, UNMANAGE_ERROR},
    MANAGE_ERROR_UNMANAGE_STARTING: {UNMANAGED, UNMANAGE_ERROR},
    UNMANAGE_ERROR: {UNMANAGE_STARTING},
}

# Statuses an administrator may set on a snapshot with reset_status.
SNAPSHOT_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING,
                           ERROR_DELETING)

# The snapshot instance: one per snapshot, on its share's backend.
SNAPSHOT = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING, RESTORING, UNMANAGE_STARTING},
    ERROR: {DELETING, UNMANAGE_STARTING},
    RESTORING: {AVAILABLE},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: {DELETING},
    MANAGE_STARTING: {AVAILABLE, MANAGE_ERROR},
    MANAGE_ERROR: {UNMANAGE_STARTING},
    UNMANAGE_STARTING: {UNMANAGED, UNMANAGE_ERROR},
    UNMANAGE_ERROR: {UNMANAGE_STARTING},
}
# Snapshot statuses in which work is under way on the backend.
SNAPSHOT_BUSY = (CREATING, DELETING, RESTORING, MANAGE_STARTING,
                 UNMANAGE_STARTING)


def sources(table, target):
    """Statuses from which ``target`` may be reached."""
    return sorted(s for s, targets in table.items() if target in targets)


def check(table, resource, resource_id, current, target):
    """Raise 409 unless ``current`` may move to ``target``."""
    if target not in table.get(current, ()):
        raise exception.InvalidStatusTransition(
            resource=resource, id=resource_id, current=current,
            allowed=', '.join(sources(table, target)))
