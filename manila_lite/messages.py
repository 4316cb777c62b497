"""User message catalogue: the ids Manila clients show, and their words.

A message is stored by (action_id, detail_id); the API renders
``user_message`` from this table, so wording can improve without touching
stored rows.
"""

from oslo_log import log as logging

from manila_lite.db import messages as message_db

LOG = logging.getLogger(__name__)

ACTION_ALLOCATE_HOST = '001'
ACTION_CREATE = '002'
ACTION_REVERT_TO_SNAPSHOT = '006'
ACTION_DELETE = '007'
ACTION_EXTEND = '008'
ACTION_SHRINK = '009'
ACTION_UPDATE_ACCESS_RULES = '010'

ACTIONS = {
    ACTION_ALLOCATE_HOST: 'allocate host',
    ACTION_CREATE: 'create',
    ACTION_REVERT_TO_SNAPSHOT: 'revert to snapshot',
    ACTION_DELETE: 'delete',
    ACTION_EXTEND: 'extend',
    ACTION_SHRINK: 'shrink',
    ACTION_UPDATE_ACCESS_RULES: 'update access rules',
}

UNKNOWN_ERROR = '001'
NO_VALID_HOST = '002'
DRIVER_FAILED_CREATING = '003'
DRIVER_FAILED_DELETING = '004'
DRIVER_FAILED_EXTEND = '015'
DRIVER_FAILED_CREATING_FROM_SNAP = '017'
DRIVER_REFUSED_SHRINK = '018'
DRIVER_FAILED_SHRINK = '019'
UNSUPPORTED_CLIENT_ACCESS = '021'
# Deferred deletion (not Manila ids: Manila records no message there).
DEFERRED_DELETE_FAILED = '101'
DEFERRED_DELETE_SNAPSHOTS_LEFT = '102'
# Share servers (DHSS=True backends).
SHARE_SERVER_SETUP_FAILED = '120'

DETAILS = {
    SHARE_SERVER_SETUP_FAILED: (
        'No share server could be found or set up on the share network '
        'given: check that it has a subnet in the availability zone of the '
        'share (or a default one) and that its network has free '
        'addresses, or use another share network; if that does not help, '
        'ask an administrator to look into the backend.'),
    UNKNOWN_ERROR: 'An unknown error occurred.',
    UNSUPPORTED_CLIENT_ACCESS: (
        'The share backend refused to grant access: it does not support '
        'the access type, level or grantee given. Deny the rule in error '
        'and try again with another one.'),
    NO_VALID_HOST: 'No storage could be allocated for this share request: '
                   'no backend passed the scheduler filters (capacity, '
                   'availability zone, share type capabilities).',
    DRIVER_FAILED_CREATING: 'The share backend failed to create the share.',
    DRIVER_FAILED_DELETING: 'The share backend failed to delete the share.',
    DRIVER_FAILED_EXTEND: (
        'The share backend failed to extend the share; its status is now '
        'extending_error. It cannot be extended again until an '
        'administrator has looked into the failure and reset its status.'),
    DRIVER_REFUSED_SHRINK: (
        'The share backend refused to shrink the share: it holds more data '
        'than the requested size. The share is available again at its '
        'previous size; choose a size above the space it uses.'),
    DRIVER_FAILED_SHRINK: (
        'The share backend cannot shrink shares. The share is available '
        'again at its previous size.'),
    DRIVER_FAILED_CREATING_FROM_SNAP: (
        'The share backend failed to create the share from the snapshot. '
        'Creating a new share from it may succeed; otherwise ask an '
        'administrator to look into the failure.'),
    DEFERRED_DELETE_FAILED: (
        'The share backend failed to delete it after its quota was given '
        'back (deferred deletion). It is retried periodically; an '
        'administrator can look into the failure meanwhile.'),
    DEFERRED_DELETE_SNAPSHOTS_LEFT: (
        'The share could not be deleted on its backend because deleting '
        'some of its snapshots failed. Both are retried periodically; an '
        'administrator can look into the failure meanwhile.'),
}


def user_message(action_id, detail_id):
    return '%s: %s' % (ACTIONS.get(action_id, 'unknown action'),
                       DETAILS.get(detail_id, DETAILS[UNKNOWN_ERROR]))


def record(context, project_id, resource_type, resource_id, action_id,
           detail_id):
    """Store a message; never let a failure here hide the original error."""
    try:
        message_db.create(context, project_id, resource_type, resource_id,
                          action_id, detail_id)
    except Exception:
        LOG.exception('Could not record user message %s/%s for %s',
                      action_id, detail_id, resource_id)
