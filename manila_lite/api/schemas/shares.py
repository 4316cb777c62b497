"""Request bodies of the shares API."""

_NAME = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': ['boolean', 'string'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}

create = {
    'type': 'object',
    'properties': {
        'share': {
            'type': 'object',
            'properties': {
                'share_proto': {'type': 'string', 'minLength': 1},
                'size': {'type': ['integer', 'string'],
                         'pattern': r'^\s*[0-9]+\s*$'},
                'name': _NAME, 'display_name': _NAME,
                'description': _NAME, 'display_description': _NAME,
                'share_type': {'type': ['string', 'null']},
                'volume_type': {'type': ['string', 'null']},
                'availability_zone': {'type': ['string', 'null']},
                'share_network_id': {'type': ['string', 'null']},
                'snapshot_id': {'type': ['string', 'null']},
                'share_group_id': {'type': ['string', 'null']},
                'metadata': {'type': ['object', 'null'],
                             'additionalProperties': {
                                 'type': 'string', 'maxLength': 1023},
                             'propertyNames': {'maxLength': 255,
                                               'minLength': 1}},
                'is_public': {'oneOf': [_BOOL, {'type': 'null'}]},
                'scheduler_hints': {'type': ['object', 'null']},
                'mount_point_name': {'type': ['string', 'null'],
                                     'minLength': 1, 'maxLength': 255},
                'encryption_key_ref': {'type': ['string', 'null'],
                                       'maxLength': 36},
            },
            'required': ['share_proto', 'size'],
        },
    },
    'required': ['share'],
}

update = {
    'type': 'object',
    'properties': {
        'share': {
            'type': 'object',
            'properties': {
                'display_name': _NAME, 'display_description': _NAME,
                'name': _NAME, 'description': _NAME,
                'is_public': _BOOL,
            },
        },
    },
    'required': ['share'],
}

reset_status = {
    'type': 'object',
    'properties': {'status': {'type': 'string'}},
    'required': ['status'],
}

action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}

reset_task_state = {
    'type': 'object',
    'properties': {'task_state': {'type': ['string', 'null'],
                                  'maxLength': 255}},
    'required': ['task_state'],
}

# extend / shrink (and their os- names before 2.7). new_size is a count of
# GiB, as a number or its digits; extend's force counts from 2.64.
_NEW_SIZE = {'type': ['integer', 'string'], 'pattern': r'^\s*[0-9]+\s*$',
             'minimum': 0}

resize = {
    'type': 'object',
    'properties': {'new_size': _NEW_SIZE},
    'required': ['new_size'],
}

extend_v2_64 = {
    'type': 'object',
    'properties': {'new_size': _NEW_SIZE, 'force': _BOOL},
    'required': ['new_size'],
}
