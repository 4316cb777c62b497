"""Share types: list, show, create, update, delete, extra specs, access."""

from oslo_utils import uuidutils

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_types as schema
from manila_lite.api.views import share_types as views
from manila_lite import conf
from manila_lite.db import share_types as type_db
from manila_lite import exception
from manila_lite.share import extra_specs

CONF = conf.CONF


def _matches(share_type, wanted):
    specs = share_type.specs
    for key, value in wanted.items():
        if key == extra_specs.AVAILABILITY_ZONES:
            # Types limited to some zones match when they include all the
            # zones asked for; types without the spec serve every zone.
            # Blanks around the commas of either list do not count.
            zones = extra_specs.zones(specs.get(key))
            if zones and not set(extra_specs.zones(value)) <= set(zones):
                return False
        elif specs.get(key) != value:
            return False
    return True


def index(req):
    ctx = common.context(req)
    common.authorize(req, 'share_type:index')
    is_public = (common.is_public_filter(req.GET.get('is_public'))
                 if ctx.is_admin else True)
    wanted = None
    if req.GET.get('extra_specs'):
        if common.version(req) < Version('2.43'):
            raise exception.Invalid(
                "Filter by 'extra_specs' needs API microversion 2.43 or "
                "later.")
        wanted = common.dict_param(req.GET['extra_specs'], 'extra_specs')
    types = type_db.get_all_listed(ctx, is_public)
    if wanted:
        types = [t for t in types if _matches(t, wanted)]
    return views.index(req, types)


def show(req, type_id):
    common.authorize(req, 'share_type:show')
    try:
        share_type = type_db.get_by_name_or_id(common.context(req), type_id)
    except exception.ShareTypeNotFound:
        raise exception.ShareTypeNotFound('Share type not found.')
    return views.show(req, share_type)


def default(req):
    common.authorize(req, 'share_type:default')
    if not CONF.default_share_type:
        raise exception.NotFound('Default share type not found')
    try:
        share_type = type_db.get_by_name(common.context(req),
                                         CONF.default_share_type,
                                         check_access=False)
    except exception.ShareTypeNotFound:
        raise exception.ShareTypeNotFound('Share type not found')
    return views.show(req, share_type)


def _unwrap(data):
    return data.get('share_type', data.get('volume_type'))


def create(req):
    ctx = common.context(req)
    common.authorize(req, 'share_type:create')
    version = common.version(req)
    data = _unwrap(common.body(req, schema.create))
    if data.get('description') and version < Version('2.41'):
        raise exception.Invalid(
            "'description' needs API microversion 2.41 or later.")
    specs = dict(data.get('extra_specs') or {})
    if version < Version('2.24'):
        # Snapshots were assumed possible before they became optional.
        specs.setdefault(extra_specs.SNAPSHOT_SUPPORT, True)
    specs = extra_specs.validate(specs)
    # Either spelling of the flag is honoured whatever the version.
    is_public = data.get('os-share-type-access:is_public',
                         data.get('share_type_access:is_public', True))
    share_type = type_db.create(
        ctx, data['name'], specs,
        is_public=common.bool_param(is_public, 'is_public'),
        description=data.get('description'))
    return views.show(req, type_db.get(ctx, share_type.id))


def update(req, type_id):
    ctx = common.context(req)
    common.require_version(req, '2.50')
    common.authorize(req, 'share_type:update')
    data = _unwrap(common.body(req, schema.update))
    values = {}
    name = data.get('name')
    if name is not None:
        if not name.strip():
            raise exception.Invalid('Share type name cannot be empty.')
        values['name'] = name
    if data.get('description') is not None:
        values['description'] = data['description'] or None
    if data.get('share_type_access:is_public') is not None:
        values['is_public'] = common.bool_param(
            data['share_type_access:is_public'],
            'share_type_access:is_public')
    if not values:
        raise exception.Invalid(
            'Specify share type name, description, '
            'share_type_access:is_public or a combination thereof.')
    type_db.update(ctx, type_id, values)
    return views.show(req, type_db.get(ctx, type_id))


def delete(req, type_id):
    ctx = common.context(req)
    common.authorize(req, 'share_type:delete')
    try:
        type_db.destroy(ctx, type_id)
    except exception.ShareTypeInUse:
        # Manila answers 400 here, not 409.
        raise exception.InvalidShareType(
            'Target share type is still in use.')
    return common.accepted()


def _private_type(ctx, type_id):
    share_type = type_db.get(ctx, type_id)
    if share_type.is_public:
        raise exception.Conflict('Type access modification is not '
                                 'applicable to public share type.')
    return share_type


@common.checked_before_lookup('share_type:add_project_access')
def _add_project(req, type_id, args):
    ctx = common.context(req)
    project = _project(args)
    _private_type(ctx, type_id)
    type_db.add_project(ctx, type_id, project)


@common.checked_before_lookup('share_type:remove_project_access')
def _remove_project(req, type_id, args):
    ctx = common.context(req)
    project = _project(args)
    _private_type(ctx, type_id)
    type_db.remove_project(ctx, type_id, project)


def _project(args):
    project = args['project']
    if not uuidutils.is_uuid_like(project):
        raise exception.Invalid(
            'Bad project format: project is not in proper format (%s)'
            % project)
    return project


ACTIONS = {
    'addProjectAccess': _add_project,
    'removeProjectAccess': _remove_project,
}


def action(req, type_id):
    _name, handler, args = common.action(req, schema.action, ACTIONS)
    handler(req, type_id, args)
    return common.accepted()


def access_list(req, type_id):
    ctx = common.context(req)
    common.authorize(req, 'share_type:list_project_access')
    share_type = type_db.get(ctx, type_id)
    if share_type.is_public:
        raise exception.NotFound(
            'Access list not available for public share types.')
    return views.access_list(req, type_db.projects(ctx, type_id),
                             type_id=type_id)


# Extra specs


def specs_index(req, type_id):
    ctx = common.context(req)
    common.authorize(req, 'share_types_extra_spec:index')
    return {'extra_specs': type_db.get(ctx, type_id).specs}


def specs_show(req, type_id, key):
    ctx = common.context(req)
    common.authorize(req, 'share_types_extra_spec:show')
    specs = type_db.get(ctx, type_id).specs
    if key not in specs:
        raise exception.ShareTypeExtraSpecsNotFound(share_type_id=type_id,
                                                    extra_specs_key=key)
    return {key: specs[key]}


def specs_create(req, type_id):
    ctx = common.context(req)
    common.authorize(req, 'share_types_extra_spec:create')
    data = common.body(req, schema.specs_create)
    type_db.get(ctx, type_id)
    specs = extra_specs.validate(data['extra_specs'], require_all=False)
    type_db.set_extra_specs(ctx, type_id, specs)
    return {'extra_specs': specs}


def specs_update(req, type_id, key):
    ctx = common.context(req)
    common.authorize(req, 'share_types_extra_spec:update')
    data = common.body(req, schema.specs_update)
    type_db.get(ctx, type_id)
    if key not in data:
        raise exception.Invalid('Request body and URI mismatch')
    specs = extra_specs.validate(data, require_all=False)
    type_db.set_extra_specs(ctx, type_id, specs)
    return specs


def specs_delete(req, type_id, key):
    ctx = common.context(req)
    common.authorize(req, 'share_types_extra_spec:delete')
    type_db.get(ctx, type_id)
    undeletable = extra_specs.REQUIRED
    if common.version(req) < Version('2.24'):
        undeletable += (extra_specs.SNAPSHOT_SUPPORT,)
    if key in undeletable:
        raise exception.NotAuthorized("Extra spec '%s' can't be deleted."
                                      % key)
    type_db.delete_extra_spec(ctx, type_id, key)
    return common.accepted()
