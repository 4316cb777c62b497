"""Request bodies of the share group types and group specs API."""

_BOOL = {'type': ['boolean', 'string'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}
_TEXT = {'type': 'string', 'maxLength': 255}

# At create any text is taken as a spec; key names are checked (and
# booleans taken) only by the group specs API, as in Manila.
_CREATE_SPECS = {'type': ['object', 'null'], 'propertyNames': _TEXT,
                 'additionalProperties': _TEXT}

SPEC_KEY = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': r'^[\w.:-]+$'}
SPEC_VALUE = {'type': ['string', 'boolean'], 'minLength': 1,
              'maxLength': 255}
SPECS = {'type': 'object', 'propertyNames': SPEC_KEY,
         'additionalProperties': SPEC_VALUE}

create = {
    'type': 'object',
    'properties': {
        'share_group_type': {
            'type': 'object',
            'properties': {
                'name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                # Names or ids; Manila needs at least one.
                'share_types': {'type': 'array', 'minItems': 1,
                                'items': {'type': 'string', 'minLength': 1,
                                          'maxLength': 255}},
                'group_specs': _CREATE_SPECS,
                'is_public': _BOOL,
            },
            'required': ['name', 'share_types'],
        },
    },
    'required': ['share_group_type'],
}

specs_create = {
    'type': 'object',
    'properties': {'group_specs': {'type': 'object'}},
    'required': ['group_specs'],
}

# PUT .../group-specs/{key}: {key: value}, the one key of the URL.
specs_update = {'type': 'object', 'minProperties': 1}

# One action per request: {"addProjectAccess": {"project": ...}}.
action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}

project_access = {
    'type': 'object',
    'properties': {'project': {'type': 'string', 'maxLength': 255}},
    'required': ['project'],
}
