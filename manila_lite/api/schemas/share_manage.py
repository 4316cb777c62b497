"""Request body of manage (POST /shares/manage, /os-share-manage before
2.7). Presence and emptiness of the three required fields are checked by
the handler, which answers 422 for them as Manila does."""

_TEXT = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': ['boolean', 'string', 'null'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}

share = {
    'type': 'object',
    'properties': {
        'service_host': {'type': 'string'},
        'protocol': {'type': 'string'},
        'export_path': {'type': ['string', 'object']},
        'share_type': {'type': ['string', 'null']},
        'name': _TEXT, 'display_name': _TEXT,
        'description': _TEXT, 'display_description': _TEXT,
        'is_public': _BOOL,
        'driver_options': {'type': ['object', 'null']},
        'share_server_id': {'type': ['string', 'null']},
        'mount_point_name': {'type': ['string', 'null'], 'minLength': 1,
                             'maxLength': 255},
    },
}
