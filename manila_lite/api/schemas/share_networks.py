"""Request bodies of share networks, subnets, share servers and security
services.

Manila ignores keys of these bodies it does not know (clients, Manila's
own tests among them, send extra ones), so the schemas do too; keys they
know must still have the right type.
"""

_NAME = {'type': ['string', 'null'], 'maxLength': 255}
_ID = {'type': ['string', 'null'], 'maxLength': 36}
_STR = {'type': ['string', 'null'], 'maxLength': 255}
_BOOL = {'type': ['boolean', 'string', 'null'],
         'pattern': '(?i)^(true|false|1|0|yes|no|on|off|t|f|y|n)$'}
_METADATA = {'type': ['object', 'null'],
             'additionalProperties': {'type': 'string', 'maxLength': 1023},
             'propertyNames': {'minLength': 1, 'maxLength': 255}}

_TIME = {'type': ['string', 'null'], 'maxLength': 64}

# Segment details a subnet records; Manila stores what a create body
# gives (its network plugins overwrite them once a share server exists).
SEGMENT = {
    'network_type': {'type': ['string', 'null'], 'maxLength': 32},
    'segmentation_id': {'type': ['integer', 'null'], 'minimum': 0},
    'cidr': {'type': ['string', 'null'], 'maxLength': 64},
    'ip_version': {'type': ['integer', 'null'], 'enum': [4, 6, None]},
    'gateway': {'type': ['string', 'null'], 'maxLength': 64},
    'mtu': {'type': ['integer', 'null'], 'minimum': 0},
}

network_create = {
    'type': 'object',
    'properties': dict(
        SEGMENT,
        name=_NAME, description=_NAME,
        neutron_net_id=_ID, neutron_subnet_id=_ID,
        # Pre-2.26 clients may send it; nova networks are gone.
        nova_net_id=_ID,
        availability_zone=_STR,
        # Manila records the times a create body gives.
        created_at=_TIME, updated_at=_TIME,
    ),
}

network_update = {
    'type': 'object',
    'properties': {
        'name': _NAME, 'description': _NAME,
        'neutron_net_id': _ID, 'neutron_subnet_id': _ID,
        'nova_net_id': _ID,
    },
}

subnet_create = {
    'type': 'object',
    'properties': dict(
        SEGMENT,
        neutron_net_id=_ID, neutron_subnet_id=_ID,
        availability_zone=_STR, metadata=_METADATA,
        # Sent by clients though the URL names the network.
        share_network_id=_ID,
    ),
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

# An empty or unknown id is looked up, and answered 404, as Manila does.
security_service_ref = {
    'type': 'object',
    'properties': {'security_service_id': {'type': 'string',
                                           'maxLength': 255}},
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
}

_SECURITY_FIELDS = {
    'name': _NAME, 'description': _NAME, 'dns_ip': _STR, 'server': _STR,
    'domain': _STR, 'user': _STR, 'password': _STR, 'ou': _STR,
    'default_ad_site': _STR,
}

# What a security service stores of a body; the rest is ignored.
SECURITY_FIELDS = tuple(_SECURITY_FIELDS)

security_service_create = {
    'type': 'object',
    'properties': dict(_SECURITY_FIELDS, type={
        'type': 'string', 'enum': ['ldap', 'kerberos', 'active_directory']}),
    'required': ['type'],
}

security_service_update = {
    'type': 'object',
    'properties': _SECURITY_FIELDS,
}

action = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}
