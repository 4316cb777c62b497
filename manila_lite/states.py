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
# Deferred deletion (option deferred_deletion): the quota is given back
# when the API accepts the delete; the share manager's periodic sweep
# deletes on the backend. Manila calls these deferred_deleting and
# error_deferred_deleting.
DELETING_IN_DRIVER = 'deleting_in_driver'
DELETING_IN_DRIVER_ERROR = 'deleting_in_driver_error'
DEFERRED_DELETION = (DELETING_IN_DRIVER, DELETING_IN_DRIVER_ERROR)
# Ensure shares (2.86+): an available share while its backend checks it.
ENSURING = 'ensuring'
# Share transfers (2.77+): an available share offered to another project;
# accepting, deleting or expiring the transfer makes it available again.
AWAITING_TRANSFER = 'awaiting_transfer'
# Migration statuses. Migration is not served, so only an administrator's
# reset_status sets them (Manila accepts them there); such a share waits
# for another reset_status or a force_delete.
MIGRATING = 'migrating'
MIGRATING_TO = 'migrating_to'
SERVER_MIGRATING = 'server_migrating'

# Access rules. The share instance's summary of its rules (2.10+): the
# API moves it from active to syncing when it queues a change, the share
# manager back to active, or to error when the backend failed (the next
# update then resyncs every rule; see share/manager/access.py).
ACCESS_ACTIVE = 'active'
ACCESS_SYNCING = 'syncing'
ACCESS_ERROR = 'error'
INSTANCE_ACCESS = {
    ACCESS_ACTIVE: {ACCESS_SYNCING},
    ACCESS_SYNCING: {ACCESS_ACTIVE, ACCESS_ERROR},
    ACCESS_ERROR: {ACCESS_SYNCING},
}
# One rule on one instance (2.28+ shows these; older versions see 'new'
# for the transitional ones). A rule leaves 'denying' by losing its row.
ACCESS_QUEUED_TO_APPLY = 'queued_to_apply'
ACCESS_APPLYING = 'applying'
ACCESS_QUEUED_TO_DENY = 'queued_to_deny'
ACCESS_DENYING = 'denying'
# Changing the access level (2.88+) resyncs the whole instance.
ACCESS_QUEUED_TO_UPDATE = 'queued_to_update'
ACCESS_UPDATING = 'updating'
ACCESS_DENIED = 'denied'
ACCESS_RULE = {
    ACCESS_QUEUED_TO_APPLY: {ACCESS_APPLYING, ACCESS_QUEUED_TO_DENY},
    ACCESS_APPLYING: {ACCESS_ACTIVE, ACCESS_ERROR, ACCESS_QUEUED_TO_DENY},
    ACCESS_ACTIVE: {ACCESS_QUEUED_TO_DENY, ACCESS_QUEUED_TO_UPDATE},
    ACCESS_ERROR: {ACCESS_QUEUED_TO_DENY},
    ACCESS_QUEUED_TO_UPDATE: {ACCESS_UPDATING, ACCESS_QUEUED_TO_DENY},
    ACCESS_UPDATING: {ACCESS_ACTIVE, ACCESS_ERROR, ACCESS_QUEUED_TO_DENY},
    ACCESS_QUEUED_TO_DENY: {ACCESS_DENYING},
    ACCESS_DENYING: {ACCESS_DENIED, ACCESS_ERROR},
}
ACCESS_RULE_TRANSITIONAL = (
    ACCESS_QUEUED_TO_APPLY, ACCESS_APPLYING, ACCESS_QUEUED_TO_DENY,
    ACCESS_DENYING, ACCESS_QUEUED_TO_UPDATE, ACCESS_UPDATING)
# Share instance statuses in which rules may be queued: none where the
# backend is busy with the share (Manila refuses transitional statuses).
ACCESS_RULE_UPDATABLE = (AVAILABLE, ERROR, EXTENDING_ERROR, SHRINKING_ERROR,
                         REVERTING_ERROR, ERROR_DELETING, MANAGE_ERROR,
                         UNMANAGE_ERROR)

# Statuses an administrator may set with reset_status (Manila's list).
SHARE_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING, ERROR_DELETING,
                        MIGRATING, MIGRATING_TO, SERVER_MIGRATING)

# Task states of a share (its migration, 2.5+). Migration is not served,
# so nothing here sets one; an administrator may still set any of them,
# or None, with reset_task_state (2.22+), as in Manila.
SHARE_TASK_STATES = (
    'migration_starting', 'migration_in_progress', 'migration_completing',
    'migration_success', 'migration_error', 'migration_cancelled',
    'migration_driver_in_progress', 'migration_driver_phase1_done',
    'data_copying_starting', 'data_copying_in_progress',
    'data_copying_completing', 'data_copying_completed',
    'data_copying_cancelled', 'data_copying_error', None,
)

# current status -> statuses it may move to.
SHARE_INSTANCE = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING, REVERTING, EXTENDING, SHRINKING,
                UNMANAGE_STARTING, DELETING_IN_DRIVER, ENSURING,
                AWAITING_TRANSFER},
    AWAITING_TRANSFER: {AVAILABLE},
    ERROR: {DELETING, UNMANAGE_STARTING, DELETING_IN_DRIVER},
    DELETING: {DELETED, ERROR_DELETING},
    # A failed delete waits for force_delete or reset_status.
    ERROR_DELETING: set(),
    # The quota is already free: these never go back to a live status
    # except through an administrator's reset_status, which charges it.
    DELETING_IN_DRIVER: {DELETED, DELETING_IN_DRIVER_ERROR},
    DELETING_IN_DRIVER_ERROR: {DELETING_IN_DRIVER},
    # The driver may report a share it no longer finds as an error.
    ENSURING: {AVAILABLE, ERROR},
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
    # Reached only through reset_status; left the same way (or by
    # force_delete, which starts from any status).
    MIGRATING: set(),
    MIGRATING_TO: set(),
    SERVER_MIGRATING: set(),
}

# Statuses an administrator may set on a snapshot with reset_status.
SNAPSHOT_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING,
                           ERROR_DELETING)

# The snapshot instance: one per snapshot, on its share's backend.
SNAPSHOT = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING, RESTORING, UNMANAGE_STARTING,
                DELETING_IN_DRIVER},
    ERROR: {DELETING, UNMANAGE_STARTING, DELETING_IN_DRIVER},
    RESTORING: {AVAILABLE},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: set(),
    DELETING_IN_DRIVER: {DELETED, DELETING_IN_DRIVER_ERROR},
    DELETING_IN_DRIVER_ERROR: {DELETING_IN_DRIVER},
    MANAGE_STARTING: {AVAILABLE, MANAGE_ERROR},
    MANAGE_ERROR: {UNMANAGE_STARTING},
    UNMANAGE_STARTING: {UNMANAGED, UNMANAGE_ERROR},
    UNMANAGE_ERROR: {UNMANAGE_STARTING},
}
# Snapshot statuses in which work is under way on the backend.
SNAPSHOT_BUSY = (CREATING, DELETING, RESTORING, MANAGE_STARTING,
                 UNMANAGE_STARTING, DELETING_IN_DRIVER)
# Actions that leave the status as it is, so no transition answers
# them: the share statuses in which a snapshot may be taken, and the
# snapshot statuses in which a share may be made from the snapshot or
# transferred with it.
SHARE_SNAPSHOTTABLE = (AVAILABLE,)
SNAPSHOT_USABLE = (AVAILABLE,)

# Access rules of a mountable snapshot (2.32+): one state per rule and
# snapshot instance, with the names of share rules. The API queues
# (queued_to_apply, queued_to_deny), the share manager works (applying,
# denying) and settles; a denied rule loses its row. Snapshot rules are
# read-only, so there is no level to change, and no per-instance summary.
SNAPSHOT_ACCESS_RULE = {
    ACCESS_QUEUED_TO_APPLY: {ACCESS_APPLYING, ACCESS_QUEUED_TO_DENY},
    ACCESS_APPLYING: {ACCESS_ACTIVE, ACCESS_ERROR, ACCESS_QUEUED_TO_DENY},
    ACCESS_ACTIVE: {ACCESS_QUEUED_TO_DENY},
    ACCESS_ERROR: {ACCESS_QUEUED_TO_DENY},
    ACCESS_QUEUED_TO_DENY: {ACCESS_DENYING},
    ACCESS_DENYING: {ACCESS_DENIED, ACCESS_ERROR},
}

# Share groups (2.31+): placed by the scheduler, made and removed by the
# share manager of their backend. A group never placed (no valid host) is
# deleted at once, with no backend to ask.
SHARE_GROUP = {
    CREATING: {AVAILABLE, ERROR},
    AVAILABLE: {DELETING},
    ERROR: {DELETING},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: set(),
}
# Statuses an administrator may set on a share group with reset_status.
SHARE_GROUP_RESET_STATUSES = (AVAILABLE, ERROR, CREATING, DELETING,
                              ERROR_DELETING)

# Share networks (2.63+ show it): network_change while share servers are
# being plugged into (or unplugged from) a subnet.
ACTIVE = 'active'
NETWORK_CHANGE = 'network_change'
SHARE_NETWORK = {
    ACTIVE: {NETWORK_CHANGE, ERROR},
    NETWORK_CHANGE: {ACTIVE, ERROR},
    ERROR: {ACTIVE},
}

# Share servers: made on demand by the share manager of a DHSS=True
# backend; a row disappears once its server is torn down.
SHARE_SERVER = {
    CREATING: {ACTIVE, ERROR},
    ACTIVE: {DELETING, NETWORK_CHANGE, ERROR},
    NETWORK_CHANGE: {ACTIVE, ERROR},
    ERROR: {DELETING},
    DELETING: {DELETED, ERROR_DELETING},
    ERROR_DELETING: {DELETING},
}


def sources(table, target):
    """Statuses from which ``target`` may be reached."""
    return sorted(s for s, targets in table.items() if target in targets)


def allowed(table, current, target):
    """Whether ``current`` may move to ``target``."""
    return target in table.get(current, ())


def narrowed(table, target, named=None, force=False):
    """The statuses a move to ``target`` may start from: those the table
    allows, or those of them a caller names. With ``force``, the named
    ones whether the table allows them or not: an administrator's force,
    or the undo of a request the message broker refused."""
    if force:
        return list(named)
    allowed_sources = sources(table, target)
    if named is None:
        return allowed_sources
    return [status for status in named if status in allowed_sources]


def allowed_moves(table, moves):
    """The {current: target} of ``moves`` the table allows: for code that
    moves many statuses in one statement (an UPDATE with a CASE)."""
    return {current: target for current, target in moves.items()
            if allowed(table, current, target)}


def check(table, resource, resource_id, current, target):
    """Raise 409 unless ``current`` may move to ``target``."""
    if not allowed(table, current, target):
        raise exception.InvalidStatusTransition(
            resource=resource, id=resource_id, current=current,
            allowed=', '.join(sources(table, target)))
