"""Request bodies of the share groups API (2.31+).

Manila refuses fields it does not know in a create or an update (400),
and ids that are not UUIDs.
"""

_UUID = {'type': 'string',
         'pattern': '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
                    '[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$'}
_NULLABLE_UUID = {'anyOf': [{'type': 'null'}, _UUID]}
_TEXT = {'type': ['string', 'null'], 'maxLength': 255}

create = {
    'type': 'object',
    'properties': {
        'share_group': {
            'type': 'object',
            'properties': {
                'name': _TEXT,
                'description': _TEXT,
                'share_group_type_id': _UUID,
                'share_types': {'type': ['array', 'null'], 'items': _UUID},
                'availability_zone': _TEXT,
                'share_network_id': _NULLABLE_UUID,
                'source_share_group_snapshot_id': _NULLABLE_UUID,
            },
            'additionalProperties': False,
        },
    },
    'required': ['share_group'],
}

update = {
    'type': 'object',
    'properties': {
        'share_group': {
            'type': 'object',
            'properties': {'name': _TEXT, 'description': _TEXT},
            'additionalProperties': False,
        },
    },
    'required': ['share_group'],
}

# One action per request: {"reset_status": {"status": "error"}}.
action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}

reset_status = {
    'type': 'object',
    'properties': {'status': {'type': 'string'}},
    'required': ['status'],
}
