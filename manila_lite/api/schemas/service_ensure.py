"""Request body of ensure shares (2.86+).

Manila's schema wants ``{"ensure_shares": {"host": ...}}``, while
python-manilaclient sends the bare ``{"host": ...}`` the seed shows; both
are accepted.
"""

_host = {'type': 'string', 'minLength': 1, 'maxLength': 255}

ensure_shares = {
    'oneOf': [
        {'type': 'object', 'properties': {'host': _host},
         'required': ['host'], 'additionalProperties': False},
        {'type': 'object',
         'properties': {'ensure_shares': {
             'type': 'object', 'properties': {'host': _host},
             'required': ['host'], 'additionalProperties': False}},
         'required': ['ensure_shares'], 'additionalProperties': False},
    ],
}
