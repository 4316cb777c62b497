"""Request bodies of the share types and extra specs API."""

_BOOL = {'type': ['boolean', 'string'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}
_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 255}

# Keys as Manila allows them in extra specs; values text or booleans.
SPEC_KEY = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': r'^[\w.:-]+$'}
SPEC_VALUE = {'type': ['string', 'boolean'], 'minLength': 1,
              'maxLength': 255}
_SPECS = {'type': 'object', 'propertyNames': SPEC_KEY,
          'additionalProperties': SPEC_VALUE}
# A new type's specs may also be numbers ({"provisioning:min_share_size":
# 2}), as Manila takes them there; all are stored as text.
_TYPE_SPECS = dict(_SPECS, additionalProperties={
    'type': ['string', 'boolean', 'number'], 'minLength': 1,
    'maxLength': 255})


def _wrapped(inner):
    """Bodies come as {"share_type": ...} or, from old clients,
    {"volume_type": ...}."""
    return {
        'type': 'object',
        'properties': {'share_type': inner, 'volume_type': inner},
        'anyOf': [{'required': ['share_type']},
                  {'required': ['volume_type']}],
    }


create = _wrapped({
    'type': 'object',
    'properties': {
        'name': _NAME,
        'description': _DESCRIPTION,
        'extra_specs': _TYPE_SPECS,
        'share_type_access:is_public': _BOOL,
        'os-share-type-access:is_public': _BOOL,
    },
    'required': ['name'],
})

update = _wrapped({
    'type': 'object',
    'properties': {
        'name': {'type': ['string', 'null'], 'maxLength': 255},
        'description': _DESCRIPTION,
        'share_type_access:is_public': {'oneOf': [_BOOL, {'type': 'null'}]},
    },
})

_PROJECT = {
    'type': 'object',
    'properties': {'project': {'type': 'string', 'maxLength': 255}},
    'required': ['project'],
}

action = {
    'type': 'object',
    'minProperties': 1,
    'maxProperties': 1,
    'properties': {'addProjectAccess': _PROJECT,
                   'removeProjectAccess': _PROJECT},
}

specs_create = {
    'type': 'object',
    'properties': {'extra_specs': _SPECS},
    'required': ['extra_specs'],
}

# PUT /types/{id}/extra_specs/{key}: {key: value}, one key.
specs_update = dict(_SPECS, minProperties=1, maxProperties=1)
