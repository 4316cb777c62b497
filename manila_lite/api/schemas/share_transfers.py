"""Request bodies of the share transfers API (2.77).

Unknown keys are ignored, as Manila ignores them.
"""

create = {
    'type': 'object',
    'properties': {
        'transfer': {
            'type': 'object',
            'properties': {
                'share_id': {'type': 'string', 'minLength': 1},
                'name': {'type': ['string', 'null'], 'maxLength': 255},
            },
            'required': ['share_id'],
        },
    },
    'required': ['transfer'],
}

accept = {
    'type': 'object',
    'properties': {
        'accept': {
            'type': 'object',
            'properties': {
                'auth_key': {'type': 'string', 'minLength': 1},
                'clear_access_rules': {
                    'type': ['boolean', 'string', 'integer', 'null']},
            },
            'required': ['auth_key'],
        },
    },
    'required': ['accept'],
}
