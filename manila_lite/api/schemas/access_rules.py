"""Request bodies of the access rule API."""

_STRING = {'type': 'string'}

allow = {
    'type': 'object',
    'properties': {
        'access_type': _STRING,
        'access_to': {'type': 'string', 'maxLength': 255},
        'access_level': {'type': ['string', 'null']},
        'metadata': {'type': ['object', 'null']},
        'lock_visibility': {'type': ['boolean', 'string', 'null']},
        'lock_deletion': {'type': ['boolean', 'string', 'null']},
        'lock_reason': {'type': ['string', 'null'], 'maxLength': 1023},
    },
    'required': ['access_type', 'access_to'],
}

deny = {
    'type': 'object',
    'properties': {
        'access_id': _STRING,
        'unrestrict': {'type': ['boolean', 'string', 'null']},
    },
    'required': ['access_id'],
}

update = {
    'type': 'object',
    'properties': {
        'update_access': {
            'type': 'object',
            'properties': {'access_level': _STRING},
            'required': ['access_level'],
        },
    },
    'required': ['update_access'],
}
