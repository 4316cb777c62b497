"""Share network subnets: ``/share-networks/{id}/subnets`` (2.51+), their
metadata (2.78+) and actions: ``force_delete`` and
``share_network_subnet_delete_check`` (2.100, administrators).

A plain DELETE keeps Manila's 2.51+ rule: 409 while shares live on the
subnet's share servers. ``force_delete`` removes a used subnet too, as
long as it is not the network's last one; the share servers stay and
their share managers unplug them from it.
"""

from manila_lite.api import common
from manila_lite.api.handlers import metadata_common
from manila_lite.api.handlers import share_networks
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_networks as schema
from manila_lite.api.views import share_networks as views
from manila_lite.db import share_networks as network_db
from manila_lite import exception
from manila_lite.share.api import networks as network_api

V2_70 = Version('2.70')


def _network(req, share_network_id, action):
    common.require_version(req, '2.51')
    return share_networks.get_network(req, share_network_id, action)


def _subnet(req, network, subnet_id):
    return network_db.subnet_get(common.context(req), network.id, subnet_id)


def index(req, share_network_id):
    network = _network(req, share_network_id,
                       'share_network_subnet:get_all')
    return views.subnet_list(req, network.subnets, network=network)


def show(req, share_network_id, share_network_subnet_id):
    network = _network(req, share_network_id, 'share_network_subnet:show')
    subnet = _subnet(req, network, share_network_subnet_id)
    return {'share_network_subnet': views.subnet(req, subnet, network)}


def create(req, share_network_id):
    ctx = common.context(req)
    network = _network(req, share_network_id, 'share_network_subnet:create')
    data = share_networks.entity(req, 'share-network-subnet',
                                 schema.subnet_create)
    metadata = data.pop('metadata', None)
    if metadata and common.version(req) < Version('2.78'):
        raise exception.InvalidInput(
            reason='Subnet metadata needs microversion 2.78 or later.')
    values = share_networks._subnet_values(data)
    values.update(share_networks.segment_values(data))
    values['availability_zone'] = data.get('availability_zone')
    subnet = network_api.create_subnet(
        ctx, network, values, metadata,
        multiple_per_zone=common.version(req) >= V2_70)
    return {'share_network_subnet': views.subnet(req, subnet, network)}


def delete(req, share_network_id, share_network_subnet_id):
    network = _network(req, share_network_id, 'share_network_subnet:delete')
    _subnet(req, network, share_network_subnet_id)
    network_api.delete_subnet(common.context(req), network,
                              share_network_subnet_id)
    return common.accepted()


# -- actions (2.100) ----------------------------------------------------------

def _force_delete(req, network, subnet_id, _args):
    common.authorize(req, 'share_network_subnet:force_delete',
                     {'project_id': network.project_id})
    _subnet(req, network, subnet_id)
    network_api.force_delete_subnet(common.context(req), network,
                                    subnet_id)
    return common.accepted()


def _delete_check(req, network, subnet_id, args):
    common.authorize(req, 'share_network_subnet:delete_check',
                     {'project_id': network.project_id})
    data = common.validate(args, schema.delete_check) or {}
    reset = common.bool_param(str(data.get('reset_operation', False)),
                              'reset_operation')
    result = network_api.delete_check(common.context(req), network,
                                      subnet_id, reset)
    return common.json_response(result, status=202)


ACTIONS = {
    'force_delete': (_force_delete, '2.100'),
    'share_network_subnet_delete_check': (_delete_check, '2.100'),
}


def action(req, share_network_id, share_network_subnet_id):
    _name, (handler, _low), args = common.action(req, schema.action,
                                                 ACTIONS)
    network = _network(req, share_network_id, 'share_network_subnet:show')
    return handler(req, network, share_network_subnet_id, args)


# -- metadata (2.78+) ---------------------------------------------------------

def _meta_subnet(req, share_network_id, subnet_id, action):
    common.require_version(req, '2.78')
    network = share_networks.get_network(req, share_network_id, action)
    return _subnet(req, network, subnet_id)


def _metadata(req, subnet_id):
    subnet = network_db.subnet_get_by_id(common.context(req), subnet_id)
    return {'metadata': subnet.metadata_dict}


def metadata_index(req, share_network_id, share_network_subnet_id):
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:get_metadata')
    return {'metadata': subnet.metadata_dict}


def metadata_create(req, share_network_id, share_network_subnet_id):
    items = metadata_common.items(req)
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:update_metadata')
    network_db.subnet_metadata_set(common.context(req), subnet.id, items)
    return _metadata(req, subnet.id)


def metadata_update_all(req, share_network_id, share_network_subnet_id):
    items = metadata_common.items(req, allow_null=True)
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:update_metadata')
    network_db.subnet_metadata_set(common.context(req), subnet.id, items,
                                   replace=True)
    return _metadata(req, subnet.id)


def metadata_show(req, share_network_id, share_network_subnet_id, key):
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:get_metadata')
    metadata = subnet.metadata_dict
    if key not in metadata:
        raise exception.NotFound('Metadata item %s was not found.' % key)
    return {'meta': {key: metadata[key]}}


def metadata_update_item(req, share_network_id, share_network_subnet_id,
                         key):
    items = metadata_common.item_for_key(req, key)
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:update_metadata')
    network_db.subnet_metadata_set(common.context(req), subnet.id, items)
    return _metadata(req, subnet.id)


def metadata_delete(req, share_network_id, share_network_subnet_id, key):
    subnet = _meta_subnet(req, share_network_id, share_network_subnet_id,
                          'share_network_subnet:delete_metadata')
    network_db.subnet_metadata_delete(common.context(req), subnet.id, key)
    return metadata_common.empty_200()
