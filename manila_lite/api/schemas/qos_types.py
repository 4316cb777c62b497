"""Request bodies of the QoS types API (2.94).

Bodies without their ``qos_type`` object answer 422, as Manila answers
them; the handlers check that before these schemas.
"""

from manila_lite.api.schemas import share_types

_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'\S'}
_DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 255}
# Keys as share type extra spec keys; values are kept as text.
SPEC_VALUE = {'type': ['string', 'number', 'boolean'], 'minLength': 1,
              'maxLength': 255}
SPECS = {'type': 'object', 'propertyNames': share_types.SPEC_KEY,
         'additionalProperties': SPEC_VALUE}

create = {
    'type': 'object',
    'properties': {'name': _NAME, 'description': _DESCRIPTION,
                   'specs': {'oneOf': [SPECS, {'type': 'null'}]}},
    'required': ['name'],
}

update = {
    'type': 'object',
    'properties': {'description': _DESCRIPTION},
}

specs_create = {
    'type': 'object',
    'properties': {'specs': SPECS},
    'required': ['specs'],
}

# PUT /qos-types/{id}/specs/{key}: {key: value}, one key.
specs_update = dict(SPECS, minProperties=1, maxProperties=1)
