"""Request bodies of share networks, subnets, share servers and security
services."""

_NAME = {'type': ['string', 'null'], 'maxLength': 255}
_ID = {'type': ['string', 'null'], 'maxLength': 36}
_STR = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': ['boolean', 'string', 'null'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}
_METADATA = {'type': ['object', 'null'],
             'additionalProperties': {'type': 'string', 'maxLength': 1023},
             'propertyNames': {'minLength': 1, 'maxLength': 255}}

network_create = {
    'type': 'object',
    'properties': {
        'name': _NAME, 'description': _NAME,
        'neutron_net_id': _ID, 'neutron_subnet_id': _ID,
        # Pre-2.26 clients may send it; nova networks are gone.
        'nova_net_id': _ID,
        'availability_zone': _STR,
    },
    'additionalProperties': False,
}

network_update = {
    'type': 'object',
    'properties': {
        'name': _NAME, 'description': _NAME,
        'neutron_net_id': _ID, 'neutron_subnet_id': _ID,
        'nova_net_id': _ID,
    },
    'additionalProperties': False,
}

subnet_create = {
    'type': 'object',
    'properties': {
        'neutron_net_id': _ID, 'neutron_subnet_id': _ID,
        'availability_zone': _STR, 'metadata': _METADATA,
    },
    'additionalProperties': False,
}

metadata = {
    'type': 'object',
    'properties': {'metadata': _METADATA},
    'required': ['metadata'],
}

meta_item = {
    'type': 'object',
    'properties': {'meta': _METADATA},
    'required': ['meta'],
}

security_service_ref = {
    'type': 'object',
    'properties': {'security_service_id': {'type': 'string',
                                           'minLength': 1,
                                           'maxLength': 36}},
    'required': ['security_service_id'],
}

_SERVICE_ID = {'type': 'string', 'minLength': 1, 'maxLength': 36}

security_service_update_ref = {
    'type': 'object',
    'properties': {'current_service_id': _SERVICE_ID,
                   'new_service_id': _SERVICE_ID},
    'required': ['current_service_id', 'new_service_id'],
}

security_service_update_check = {
    'type': 'object',
    'properties': {'current_service_id': _SERVICE_ID,
                   'new_service_id': _SERVICE_ID,
                   'reset_operation': _BOOL},
    'required': ['current_service_id', 'new_service_id'],
}

security_service_add_check = {
    'type': 'object',
    'properties': {'security_service_id': _SERVICE_ID,
                   'reset_operation': _BOOL},
    'required': ['security_service_id'],
}

delete_check = {
    'type': ['object', 'null'],
    'properties': {'reset_operation': _BOOL},
    'additionalProperties': False,
}

subnet_create_check = {
    'type': 'object',
    'properties': {
        'neutron_net_id': _ID, 'neutron_subnet_id': _ID,
        'availability_zone': _STR, 'reset_operation': _BOOL,
    },
    'additionalProperties': False,
}

_SECURITY_FIELDS = {
    'name': _NAME, 'description': _NAME, 'dns_ip': _STR, 'server': _STR,
    'domain': _STR, 'user': _STR, 'password': _STR, 'ou': _STR,
    'default_ad_site': _STR,
}

security_service_create = {
    'type': 'object',
    'properties': dict(_SECURITY_FIELDS, type={
        'type': 'string', 'enum': ['ldap', 'kerberos', 'active_directory']}),
    'required': ['type'],
    'additionalProperties': False,
}

security_service_update = {
    'type': 'object',
    'properties': _SECURITY_FIELDS,
    'additionalProperties': False,
}

action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}
