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

# Access rule summary on an instance (2.10+); nothing sets other values
# until access rules exist.
ACCESS_ACTIVE = 'active'

# Statuses an administrator may set with reset_status.
SHARE_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING, ERROR_DELETING)

# current status -> statuses it may move to.
SHARE_INSTANCE = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING},
    ERROR: {DELETING},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: {DELETING},
}


def sources(table, target):
    """Statuses from which ``target`` may be reached."""
    return sorted(s for s, targets in table.items() if target in targets)


def check(table, resource, resource_id, current, target):
    """Raise 409 unless ``current`` may move to ``target``."""
    if target not in table.get(current, ()):
        raise exception.InvalidStatusTransition(
            resource=resource, id=resource_id, current=current,
            allowed=', '.join(sources(table, target)))
