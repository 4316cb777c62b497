"""Resource lock views (2.81+): one shape for show, create, update and
lists."""

from manila_lite.api import common

COLLECTION = 'resource-locks'


def detail(req, lock):
    return {
        'id': lock.id,
        'user_id': lock.user_id,
        'project_id': lock.project_id,
        'lock_context': lock.lock_context,
        'resource_type': lock.resource_type,
        'resource_id': lock.resource_id,
        'resource_action': lock.resource_action,
        'lock_reason': lock.lock_reason,
        'created_at': common.isotime(lock.created_at),
        'updated_at': common.isotime(lock.updated_at),
        'links': common.links(req, COLLECTION, lock.id),
    }


def index(req, items, *, count=None, next_links=None):
    return common.collection(req, 'resource_locks', items, detail,
                             count=count, next_links=next_links)
