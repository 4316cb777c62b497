"""Request bodies of the services API."""

update = {
    'type': 'object',
    'properties': {
        'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'binary': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'disabled_reason': {'type': ['string', 'null'],
                            'maxLength': 255},
    },
    'required': ['host', 'binary'],
}
