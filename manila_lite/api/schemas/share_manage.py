"""Request body of manage (POST /shares/manage, /os-share-manage before
2.7). Presence and emptiness of the three required fields are checked by
the handler, which answers 422 for them as Manila does."""

_TEXT = {'type': ['string', 'null'], 'maxLength': 255}
# Export paths are stored in a 2000-character column.
_PATH = {'type': 'string', 'maxLength': 2000}
_BOOL = {'type': ['boolean', 'string', 'null'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}

share = {
    'type': 'object',
    'properties': {
        'service_host': {'type': 'string', 'maxLength': 255},
        'protocol': {'type': 'string', 'maxLength': 255},
        'export_path': {'anyOf': [_PATH, {
            'type': 'object', 'properties': {'path': _PATH}}]},
        'share_type': {'type': ['string', 'null'], 'maxLength': 255},
        'name': _TEXT, 'display_name': _TEXT,
        'description': _TEXT, 'display_description': _TEXT,
        'is_public': _BOOL,
        'driver_options': {'type': ['object', 'null']},
        'share_server_id': {'type': ['string', 'null'], 'maxLength': 36},
        'mount_point_name': {'type': ['string', 'null'], 'minLength': 1,
                             'maxLength': 255},
    },
}
