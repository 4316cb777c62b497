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
ACTION_DELETE = '003'

ACTIONS = {
    ACTION_ALLOCATE_HOST: 'allocate host',
    ACTION_CREATE: 'create',
    ACTION_DELETE: 'delete',
}

UNKNOWN_ERROR = '001'
NO_VALID_HOST = '002'
DRIVER_FAILED_CREATING = '003'
DRIVER_FAILED_DELETING = '004'

DETAILS = {
    UNKNOWN_ERROR: 'An unknown error occurred.',
    NO_VALID_HOST: 'No storage could be allocated for this share request: '
                   'no backend passed the scheduler filters (capacity, '
                   'availability zone, share type capabilities).',
    DRIVER_FAILED_CREATING: 'The share backend failed to create the share.',
    DRIVER_FAILED_DELETING: 'The share backend failed to delete the share.',
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
