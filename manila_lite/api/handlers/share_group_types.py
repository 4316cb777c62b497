"""Share group types (2.31+): list, show, default, create, delete, group
specs and project access.

Before 2.55 they were experimental: a request must send
``X-OpenStack-Manila-API-Experimental: True``, else it finds nothing
(404), as in Manila. There is no update of a group type itself.
"""

from oslo_utils import uuidutils
import webob

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_group_types as schema
from manila_lite.api.views import share_group_types as views
from manila_lite import conf
from manila_lite.db import share_group_types as group_type_db
from manila_lite import exception

CONF = conf.CONF
SINCE = '2.31'
GRADUATED = '2.55'


def _available(req):
    common.require_version(req, SINCE, experimental_before=GRADUATED)


def _no_content():
    return webob.Response(status=204, content_type=None)


def index(req):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_type:index')
    is_public = (common.is_public_filter(req.GET.get('is_public'))
                 if ctx.is_admin else True)
    wanted = None
    if req.GET.get('group_specs'):
        if common.version(req) < Version('2.66'):
            raise exception.Invalid(
                "Filter by 'group_specs' needs API microversion 2.66 or "
                "later.")
        wanted = common.dict_param(req.GET['group_specs'], 'group_specs')
    return views.index(req, group_type_db.get_all(ctx, is_public, wanted))


def show(req, type_id):
    _available(req)
    common.authorize(req, 'share_group_type:show')
    return views.show(req, group_type_db.get(common.context(req), type_id))


def default(req):
    _available(req)
    common.authorize(req, 'share_group_type:default')
    name = CONF.default_share_group_type
    group_type = None
    if name:
        try:
            group_type = group_type_db.get_by_name(common.context(req), name)
        except exception.ShareGroupTypeNotFound:
            pass
    if group_type is None:
        raise exception.NotFound('Default share group type not found.')
    return views.show(req, group_type)


def create(req):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_type:create')
    data = common.body(req, schema.create)['share_group_type']
    type_id = group_type_db.create(
        ctx, data['name'], data['share_types'],
        group_specs=data.get('group_specs'),
        is_public=common.bool_param(data.get('is_public', True),
                                    'is_public'))
    return views.show(req, group_type_db.get(ctx, type_id))


def delete(req, type_id):
    _available(req)
    common.authorize(req, 'share_group_type:delete')
    # 400 while a share group uses it, as in Manila.
    group_type_db.destroy(common.context(req), type_id)
    return _no_content()


# Project access


def access_list(req, type_id):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_type:list_project_access')
    if group_type_db.get(ctx, type_id).is_public:
        raise exception.NotFound(
            'Access list not available for public share group types.')
    return views.access_list(req, group_type_db.projects(ctx, type_id),
                             type_id=type_id)


def _project(req, type_id, args):
    """The project of an access action on a private group type."""
    args = common.validate(args, schema.project_access)
    project = args['project']
    if not uuidutils.is_uuid_like(project):
        raise exception.Invalid('Project %s is not a valid project id.'
                                % project)
    if group_type_db.get(common.context(req), type_id).is_public:
        raise exception.Conflict('Public share group types are open to '
                                 'every project: access cannot change.')
    return project


@common.checked_before_lookup('share_group_type:add_project_access')
def _add_project(req, type_id, args):
    group_type_db.add_project(common.context(req), type_id,
                              _project(req, type_id, args))


@common.checked_before_lookup('share_group_type:remove_project_access')
def _remove_project(req, type_id, args):
    group_type_db.remove_project(common.context(req), type_id,
                                 _project(req, type_id, args))


ACTIONS = {
    'addProjectAccess': _add_project,
    'removeProjectAccess': _remove_project,
}


def action(req, type_id):
    _available(req)
    _name, handler, args = common.action(req, schema.action, ACTIONS)
    handler(req, type_id, args)
    return common.accepted()


# Group specs


def specs_index(req, type_id):
    _available(req)
    common.authorize(req, 'share_group_types_spec:index')
    group_type = group_type_db.get(common.context(req), type_id)
    return {'group_specs': group_type.specs}


def specs_show(req, type_id, key):
    _available(req)
    common.authorize(req, 'share_group_types_spec:show')
    specs = group_type_db.get(common.context(req), type_id).specs
    if key not in specs:
        raise exception.ShareGroupTypeSpecsNotFound(type_id=type_id, key=key)
    return {key: specs[key]}


def _stored(specs):
    """Values as the text columns keep them; booleans as 'True'/'False'."""
    return {key: str(value) for key, value in specs.items()}


def specs_create(req, type_id):
    """Add or change group specs; the answer echoes the request."""
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_types_spec:create')
    data = common.body(req, schema.specs_create)
    group_type_db.get(ctx, type_id)
    specs = common.validate(data['group_specs'], schema.SPECS)
    group_type_db.set_specs(ctx, type_id, _stored(specs))
    return {'group_specs': specs}


def specs_update(req, type_id, key):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_types_spec:update')
    data = common.body(req, schema.specs_update)
    group_type_db.get(ctx, type_id)
    if key not in data:
        raise exception.Invalid('Request body and URI mismatch.')
    if len(data) > 1:
        raise exception.Invalid('Request body contains too many items: '
                                'one group spec is changed at a time.')
    common.validate(data, schema.SPECS)
    group_type_db.set_specs(ctx, type_id, _stored(data))
    return data


def specs_delete(req, type_id, key):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group_types_spec:delete')
    group_type_db.get(ctx, type_id)
    group_type_db.delete_spec(ctx, type_id, key)
    return _no_content()
