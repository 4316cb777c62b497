"""QoS types and their specs (2.94).

Administrators create, change and delete them; every reader lists and
shows them (with their specs), while the specs sub-resource is for
administrators only, as in Manila. A share type names a QoS type with its
extra spec ``default_qos_type``; creating a share of a type naming none
that exists is refused (share/api/create_options.py).
"""

import webob

from manila_lite.api import common
from manila_lite.api.schemas import qos_types as schema
from manila_lite.api.views import qos_types as views
from manila_lite.db import qos_types as qos_db
from manila_lite import exception

MIN_VERSION = '2.94'
_FILTERS = ('name', 'name~', 'description', 'description~')


def _no_content():
    return webob.Response(status=204, content_type=None)


def _get(req, qos_type_id):
    try:
        return qos_db.get(common.context(req), qos_type_id)
    except exception.QosTypeNotFound:
        raise exception.QosTypeNotFound(
            'No QoS Type exists with ID %s.' % qos_type_id)


def _wrapped(req):
    """The ``qos_type`` object of a body; 422 without one, as Manila."""
    data = common.body(req, {})
    if not isinstance(data, dict) or not isinstance(data.get('qos_type'),
                                                    dict):
        raise exception.UnprocessableEntity(
            reason="Body does not contain 'qos_type' information.")
    return data['qos_type']


def _stored(specs):
    """Spec values as text, as they are kept."""
    return {key: str(value) for key, value in specs.items()}


def index(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type:index')
    params = req.GET
    sort_key, sort_dir = common.sort_params(params, qos_db.SORT_KEYS, {})
    qos_types = qos_db.get_all(
        common.context(req),
        {key: params[key] for key in _FILTERS if key in params},
        sort_key=sort_key, sort_dir=sort_dir,
        limit=common.limit_param(params),
        offset=common.int_param(params.get('offset', 0), 'offset'))
    return views.index(req, qos_types)


def show(req, qos_type_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type:show')
    return views.show(req, _get(req, qos_type_id))


def create(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type:create')
    data = common.validate(_wrapped(req), schema.create)
    qos_type = qos_db.create(common.context(req), data['name'],
                             description=data.get('description'),
                             specs=_stored(data.get('specs') or {}))
    return views.show(req, qos_type)


def update(req, qos_type_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type:update')
    data = common.validate(_wrapped(req), schema.update)
    ctx = common.context(req)
    _get(req, qos_type_id)
    if 'description' in data:
        qos_db.update(ctx, qos_type_id,
                      {'description': data['description']})
    return views.show(req, _get(req, qos_type_id))


def delete(req, qos_type_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type:delete')
    _get(req, qos_type_id)
    qos_db.destroy(common.context(req), qos_type_id)
    return _no_content()


# Specs


def specs_index(req, qos_type_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type_specs:index')
    return {'specs': _get(req, qos_type_id).specs}


def specs_show(req, qos_type_id, key):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type_specs:show')
    specs = _get(req, qos_type_id).specs
    if key not in specs:
        raise exception.QosTypeSpecNotFound(qos_type_id=qos_type_id,
                                            key=key)
    return {key: specs[key]}


def specs_create(req, qos_type_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type_specs:create')
    data = common.body(req, schema.specs_create)
    _get(req, qos_type_id)
    specs = _stored(data['specs'])
    qos_db.set_specs(common.context(req), qos_type_id, specs)
    return {'specs': specs}


def specs_update(req, qos_type_id, key):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type_specs:update')
    data = common.body(req, {'type': ['object', 'null']})
    if not data:
        raise exception.Invalid('Request body empty')
    _get(req, qos_type_id)
    if key not in data:
        raise exception.Invalid('Request body and URI mismatch')
    if len(data) > 1:
        raise exception.Invalid('Request body contains too many items')
    specs = _stored(common.validate(data, schema.specs_update))
    qos_db.set_specs(common.context(req), qos_type_id, specs)
    return specs


def specs_delete(req, qos_type_id, key):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'qos_type_specs:delete')
    _get(req, qos_type_id)
    qos_db.spec_items.delete_item(common.context(req), qos_type_id, key)
    return _no_content()
