"""Request bodies of the snapshots and snapshot instances APIs."""

_NAME = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': ['boolean', 'string', 'null'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}
_ID = {'type': 'string', 'minLength': 1, 'maxLength': 255}

create = {
    'type': 'object',
    'properties': {
        'share_id': _ID,
        'name': _NAME, 'display_name': _NAME,
        'description': _NAME, 'display_description': _NAME,
        # Sent by clients; Manila ignores it nowadays.
        'force': _BOOL,
        # Snapshot metadata arrived at 2.73; below, clients send {}.
        'metadata': {'type': ['object', 'null']},
    },
    'required': ['share_id'],
}

update = {
    'type': 'object',
    'properties': {
        'display_name': _NAME, 'display_description': _NAME,
        'name': _NAME, 'description': _NAME,
    },
}

manage = {
    'type': 'object',
    'properties': {
        'share_id': _ID,
        'provider_location': _ID,
        'name': _NAME, 'display_name': _NAME,
        'description': _NAME, 'display_description': _NAME,
        'driver_options': {'type': ['object', 'null']},
    },
}

reset_status = {
    'type': 'object',
    'properties': {'status': {'type': 'string'}},
    'required': ['status'],
}

revert = {
    'type': 'object',
    'properties': {'snapshot_id': _ID},
    'required': ['snapshot_id'],
}

action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}
