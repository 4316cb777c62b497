"""User message views."""

from manila_lite.api import common
from manila_lite import messages


def detail(req, message):
    return {
        'id': message.id,
        'project_id': message.project_id,
        'resource_type': message.resource_type,
        'resource_id': message.resource_id,
        'action_id': message.action_id,
        'detail_id': message.detail_id,
        'message_level': message.message_level,
        'user_message': messages.user_message(message.action_id,
                                              message.detail_id),
        'request_id': message.request_id,
        'created_at': common.isotime(message.created_at),
        'expires_at': common.isotime(message.expires_at),
        'links': common.links(req, 'messages', message.id),
    }


def index(req, items, *, count=None, next_links=None):
    return common.collection(req, 'messages', items, detail,
                             count=count, next_links=next_links)
