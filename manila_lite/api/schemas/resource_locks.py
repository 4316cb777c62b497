"""Request bodies of the resource lock API (2.81+).

Only the shape is checked here; which resource types and actions exist,
and that ``resource_id`` is a UUID, handlers/resource_locks.py checks with
Manila's messages.
"""

_TEXT = {'type': ['string', 'null']}
_REASON = {'type': ['string', 'null'], 'maxLength': 1023}

create = {
    'type': 'object',
    'properties': {
        'resource_lock': {
            'type': 'object',
            'properties': {
                'resource_id': _TEXT,
                'resource_type': _TEXT,
                'resource_action': _TEXT,
                'lock_reason': _REASON,
            },
        },
    },
    'required': ['resource_lock'],
}

update = {
    'type': 'object',
    'properties': {
        'resource_lock': {
            'type': 'object',
            'properties': {
                'resource_action': _TEXT,
                'lock_reason': _REASON,
            },
        },
    },
    'required': ['resource_lock'],
}
