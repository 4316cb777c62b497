"""Manage and unmanage shares (administrators).

``POST /shares/manage`` (2.7+; ``/os-share-manage`` before) adopts a
share that exists on a backend and answers 200 with the share, status
``manage_starting``. The share action ``unmanage`` (2.7+;
``POST /os-share-unmanage/{id}/unmanage`` before) forgets one without
deleting its data and answers 202.
"""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_manage as schema
from manila_lite.api.views import shares as views
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import shares as share_api

_REQUIRED = ('export_path', 'service_host', 'protocol')


def _share_body(req):
    data = common.body(req, {})
    share = data.get('share') if isinstance(data, dict) else None
    if not isinstance(share, dict):
        raise exception.UnprocessableEntity(
            'Share entity not found in request body')
    for name in _REQUIRED:
        if name not in share:
            raise exception.UnprocessableEntity(
                'Required parameter %s not found' % name)
        if not share[name]:
            raise exception.UnprocessableEntity(
                'Required parameter %s is empty' % name)
    common.validate(share, schema.share)
    if isinstance(share['export_path'], dict):
        if not share['export_path'].get('path'):
            raise exception.UnprocessableEntity(
                "Export path must be a string, or a dictionary with a "
                "'path' item")
        share['export_path'] = share['export_path']['path']
    return share


def _manage(req):
    common.authorize(req, 'share:manage')
    ctx = common.context(req)
    version = common.version(req)
    data = _share_body(req)
    is_public = False
    if version >= Version('2.8') and data.get('is_public') is not None:
        is_public = common.bool_param(data['is_public'], 'is_public')
        if is_public:
            common.authorize(req, 'share:create_public_share')
    if version >= Version('2.49') and data.get('share_server_id'):
        # No share servers here: managing onto one is a DHSS=True request.
        raise exception.InvalidInput(
            reason='Share Server ID parameter is not expected when managing '
                   'a share using a share type with '
                   'driver_handles_share_servers extra-spec set to False.')
    share = share_api.get().manage(
        ctx, data['service_host'], data['protocol'], data['export_path'],
        share_type=data.get('share_type'),
        name=data.get('name', data.get('display_name')),
        description=data.get('description',
                             data.get('display_description')),
        is_public=is_public, driver_options=data.get('driver_options'),
        mount_point_name=(data.get('mount_point_name')
                          if version >= Version('2.92') else None))
    names = type_db.names_by_id(ctx, {share.share_type_id})
    return {'share': views.detail(req, share, names)}


def manage(req):
    common.require_version(req, '2.7')
    return _manage(req)


def manage_legacy(req):
    common.require_version(req, '2.0', '2.6')
    return _manage(req)


@common.checked_before_lookup('share:unmanage')
def unmanage(req, share, _args):
    """The share action (2.7+)."""
    common.authorize(req, 'share:unmanage', {'project_id': share.project_id})
    share_api.get().unmanage(common.context(req), share)


def unmanage_legacy(req, share_id):
    common.require_version(req, '2.0', '2.6')
    common.authorize_before_lookup(req, unmanage)
    share = share_db.get(common.context(req), share_id)
    unmanage(req, share, None)
    return common.accepted()
