"""Quota sets: a project's limits, or those of one user or share type in it.

``?user_id=`` and ``?share_type=`` (2.39+) pick the scope; a scope with no
limit of its own shows the project's. Keys that appeared with a
microversion are refused below it.
"""

from oslo_utils import strutils

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import quotas as schema
from manila_lite.api.views import quotas as views
from manila_lite.db import quotas as quota_db
from manila_lite.db import share_types as type_db
from manila_lite import exception

# Keys the client sends along with the limits; not quotas.
NON_QUOTA_KEYS = ('tenant_id', 'id', 'force', 'share_type')
_SINCE = dict(views.QUOTA_SINCE)


def _scope(req):
    """(user_id, share_type_id) of the request; '' for the project."""
    params = req.GET
    user_id = params.get('user_id') or ''
    share_type = params.get('share_type') or ''
    if share_type and common.version(req) < Version('2.39'):
        raise exception.Invalid(
            "'share_type' quotas need API microversion 2.39 or later.")
    if user_id and share_type:
        raise exception.Invalid(
            "'user_id' and 'share_type' values are mutually exclusive")
    if not share_type:
        return user_id, ''
    try:
        return '', type_db.get_by_name_or_id(common.context(req),
                                             share_type).id
    except exception.ShareTypeNotFound:
        raise exception.NotFound("Share type with name or id '%s' not "
                                 "found." % share_type)


def _begin(req, action, project_id, own_project_only=True):
    """Checks common to every call; whatever the policy says, only
    administrators read or change quotas of projects not their own."""
    common.check_url_name(req)
    common.authorize(req, action, {'project_id': project_id})
    ctx = common.context(req)
    if own_project_only and not ctx.is_admin and \
            ctx.project_id != project_id:
        raise exception.NotAuthorized()
    return ctx, common.version(req)


def show(req, project_id):
    ctx, version = _begin(req, 'quota_set:show', project_id)
    user_id, type_id = _scope(req)
    limits = quota_db.get_limits(ctx, project_id, user_id, type_id)
    return views.quota_set(version, limits, project_id,
                           per_type=bool(type_id))


def detail(req, project_id):
    common.require_version(req, '2.25')
    ctx, version = _begin(req, 'quota_set:show', project_id)
    user_id, type_id = _scope(req)
    limits = quota_db.get_limits(ctx, project_id, user_id, type_id)
    usages = quota_db.usages(ctx, project_id, user_id, type_id)
    values = {name: {'limit': limits[name],
                     'in_use': usages[name]['in_use'],
                     'reserved': usages[name]['reserved']}
              for name in limits}
    return views.quota_set(version, values, project_id,
                           per_type=bool(type_id))


def defaults(req, project_id):
    ctx, version = _begin(req, 'quota_set:defaults', project_id,
                          own_project_only=False)
    return views.quota_set(version, quota_db.defaults(ctx), project_id)


def _bad(reason):
    return exception.Invalid(reason)


def limit_value(key, value):
    """A hard limit from a body: an integer (or its digits), -1 or more."""
    if not isinstance(value, bool) and isinstance(value, (int, str)):
        try:
            number = int(value)
        except ValueError:
            pass
        else:
            if number < -1:
                raise _bad('Quota limit must be -1 or greater.')
            if number > common.MAX_INT:
                # The limit columns hold 32 bits, as Manila's.
                raise _bad("Quota '%s' for %s must be <= %d."
                           % (value, key, common.MAX_INT))
            return number
    raise _bad("Quota '%s' for %s should be integer." % (value, key))


def _requested(version, data):
    """{resource: limit} asked for, checked against the version."""
    for key, value in data.items():
        since = _SINCE.get(key)
        if since is not None and version < since and value is not None:
            raise _bad("'%(key)s' key is not supported by this "
                       "microversion. Use %(since)s or greater microversion "
                       "to be able to use '%(key)s' quotas."
                       % {'key': key, 'since': since})
    bad_keys = [key for key in data
                if key not in _SINCE and key not in NON_QUOTA_KEYS]
    if bad_keys:
        raise _bad('Bad key(s) %s in quota_set.' % ','.join(bad_keys))
    wanted = {key: value for key, value in data.items()
              if key in _SINCE and value not in (None, '')}
    if not wanted:
        raise _bad('Must supply at least one quota field to update.')
    return wanted


def _check_within_project(ctx, project_id, values):
    """A user's or share type's limit may not exceed the project's."""
    project = quota_db.get_limits(ctx, project_id)
    for key, value in values.items():
        ceiling = project[key]
        if ceiling == quota_db.UNLIMITED:
            continue
        if value == quota_db.UNLIMITED:
            raise _bad('Quota limit must be greater than -1: %s is limited '
                       'to %s for the project.' % (key, ceiling))
        if value > ceiling:
            raise _bad('Quota limit must be less than %s.' % ceiling)


def update(req, project_id):
    ctx, version = _begin(req, 'quota_set:update', project_id)
    data = common.body(req, schema.update)['quota_set']
    user_id, type_id = _scope(req)
    wanted = _requested(version, data)
    if type_id:
        for key in views.NOT_PER_TYPE:
            if key in wanted:
                raise _bad("'%s' quota cannot be set for a share type; it "
                           "can be set only for a project or a user." % key)
    values = {key: limit_value(key, value)
              for key, value in wanted.items()}
    force = strutils.bool_from_string(data.get('force', False))
    if (user_id or type_id) and not force:
        _check_within_project(ctx, project_id, values)
    quota_db.set_limits(ctx, project_id, values, user_id, type_id,
                        force=force)
    limits = quota_db.get_limits(ctx, project_id, user_id, type_id)
    return views.quota_set(version, limits, per_type=bool(type_id))


def delete(req, project_id):
    ctx, _version = _begin(req, 'quota_set:delete', project_id)
    user_id, type_id = _scope(req)
    quota_db.delete_limits(ctx, project_id, user_id, type_id)
    return common.accepted()
