"""Access rules: the share actions and ``/share-access-rules``.

* ``allow_access`` (``os-allow_access`` before 2.7) answers 200 with the
  new rule, ``queued_to_apply``; ``deny_access`` answers 202;
  ``access_list`` lists a share's rules up to 2.44.
* ``GET /share-access-rules?share_id=`` (2.45+) lists them, with
  ``metadata`` and (2.82+) ``access_type``/``access_to``/``access_level``/
  ``access_key`` filters; ``GET /share-access-rules/{id}`` shows one and
  ``PUT`` (2.88+) changes its access level; ``/metadata`` sets items and
  ``/metadata/{key}`` removes one (2.45+).

Rules are as visible as their share (a public share's rules are read by
every project, changed only by its own); the rest of the work is in
share/api/access.py.

Locked rules (2.82+): ``allow_access`` takes ``lock_deletion``,
``lock_visibility`` and ``lock_reason`` and places resource locks on the
new rule; a rule whose deletion is locked is denied (403) unless
``deny_access`` says ``unrestrict`` and the caller may lift every such
lock, which then goes with the deny; a rule whose visibility someone
else locked shows ``******`` as access_to and access_key
(handlers/resource_locks.py).
"""

from manila_lite.api import common
from manila_lite.api.handlers import metadata_common
from manila_lite.api.handlers import resource_locks as lock_handlers
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import access_rules as schema
from manila_lite.api.views import access_rules as views
from manila_lite.db import access_rules as access_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import access as access_api
from manila_lite import states

V2_82 = Version('2.82')


def _authorize(req, share, action, modifying):
    owner = share.project_id
    ctx = common.context(req)
    if share.is_public and not modifying and owner != ctx.project_id:
        owner = ctx.project_id
    common.authorize(req, action, {'project_id': owner})


def _rule(req, access_id, action, modifying):
    """(rule, share) the caller may act on; 404 for rules of shares it
    cannot see."""
    ctx = common.context(req)
    try:
        rule = access_db.get(ctx, access_id)
        share = share_db.get(ctx, rule.share_id)
    except (exception.ShareAccessNotFound, exception.ShareNotFound):
        raise exception.NotFound('Share access rule %s not found.'
                                 % access_id)
    _authorize(req, share, action, modifying)
    return rule, share


def _metadata(value):
    """A metadata dict as Manila accepts it (400 otherwise)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise exception.Invalid('Malformed request body: metadata must be '
                                'an object.')
    for key, item in value.items():
        if not key or len(key) > 255:
            raise exception.Invalid(
                'Metadata property key must be 1-255 characters long.')
        if not isinstance(item, str) or len(item) > 1023:
            raise exception.Invalid(
                'Metadata property value of %s must be a string of at '
                'most 1023 characters.' % key)
    return value


# -- share actions -----------------------------------------------------------

def allow_access(req, share, args):
    common.authorize(req, 'share:allow_access',
                     {'project_id': share.project_id})
    data = common.validate(args, schema.allow)
    version = common.version(req)
    locks = lock_handlers.rule_locks_asked(req, share, data)
    if version < Version('2.28') and \
            share.access_rules_status == states.ACCESS_ERROR:
        raise exception.InvalidInput(
            reason="Access rules cannot be added while the share has its "
                   "access_rules_status set to error. Deny any rules in "
                   "error state and try again.")
    access_api.validate_access(data['access_type'], data['access_to'],
                               cephx=version >= Version('2.13'),
                               ipv6=version >= Version('2.38'))
    metadata = (_metadata(data.get('metadata'))
                if version >= Version('2.45') else None)
    rule = access_api.get().allow(
        common.context(req), share, data['access_type'], data['access_to'],
        data.get('access_level'), metadata, locks)
    return common.json_response(views.detail(req, rule))


def deny_access(req, share, args):
    common.authorize(req, 'share:deny_access',
                     {'project_id': share.project_id})
    data = common.validate(args, schema.deny)
    ctx = common.context(req)
    try:
        rule = access_db.get(ctx, data['access_id'])
    except exception.ShareAccessNotFound as err:
        raise exception.NotFound(err.msg)
    if rule.share_id != share.id:
        raise exception.NotFound('Access rule %s does not belong to share '
                                 '%s.' % (rule.id, share.id))
    # unrestrict (2.82) lifts the rule's deletion locks with the deny;
    # Manila reads it whatever the version, and so do we.
    unrestrict = data.get('unrestrict') is not None and \
        common.bool_param(data['unrestrict'], 'unrestrict')
    lifted = lock_handlers.lifted_by_deny(req, share, rule, unrestrict)
    access_api.get().deny(ctx, share, rule, drop_locks=lifted)
    return common.accepted()


def access_list(req, share, _args):
    _authorize(req, share, 'share:access_get_all', modifying=False)
    rules = access_db.get_all_for_share(common.context(req), share.id)
    return common.json_response(views.summary_list(
        req, rules,
        masked=lock_handlers.masked_rules_of_share(req, share.id)))


# action name -> (handler, first version, last version or None); the
# share action dispatcher (handlers/shares.py) merges these in.
ACTIONS = {
    'os-allow_access': (allow_access, '2.0', '2.6'),
    'allow_access': (allow_access, '2.7', None),
    'os-deny_access': (deny_access, '2.0', '2.6'),
    'deny_access': (deny_access, '2.7', None),
    'os-access_list': (access_list, '2.0', '2.6'),
    'access_list': (access_list, '2.7', '2.44'),
}


# -- /share-access-rules (2.45+) ---------------------------------------------

def index(req):
    common.require_version(req, '2.45')
    ctx = common.context(req)
    params = req.GET
    if not params.get('share_id'):
        raise exception.InvalidInput(
            reason="The field 'share_id' has to be specified.")
    try:
        share = share_db.get(ctx, params['share_id'])
    except exception.ShareNotFound:
        # Manila answers 400 here, not 404.
        raise exception.InvalidInput(reason='Share %s not found.'
                                     % params['share_id'])
    _authorize(req, share, 'share_access_rule:index', modifying=False)
    filters = {}
    if 'metadata' in params:
        filters['metadata'] = common.dict_param(params['metadata'],
                                                'metadata')
    if common.version(req) >= V2_82:
        filters.update(_access_filters(params))
    rules = access_db.get_all_for_share(ctx, share.id, filters)
    return views.summary_list(
        req, rules,
        masked=lock_handlers.masked_rules_of_share(req, share.id))


def _access_filters(params):
    filters = {key: params[key] for key in
               ('access_type', 'access_to', 'access_level', 'access_key')
               if params.get(key)}
    if 'access_type' in filters and \
            filters['access_type'] not in access_api.ACCESS_TYPES:
        raise exception.InvalidInput(
            reason='Invalid access type %s.' % filters['access_type'])
    if 'access_to' in filters:
        if 'access_type' not in filters:
            raise exception.InvalidInput(
                reason="'access_type' parameter must be provided when "
                       "specifying 'access_to'.")
        access_api.validate_access(filters['access_type'],
                                   filters['access_to'])
    if 'access_level' in filters and \
            filters['access_level'] not in access_api.ACCESS_LEVELS:
        raise exception.InvalidInput(
            reason='Invalid access level %s.' % filters['access_level'])
    return filters


def show(req, access_id):
    common.require_version(req, '2.45')
    rule, _share = _rule(req, access_id, 'share_access_rule:get',
                         modifying=False)
    return views.detail(req, rule,
                        masked=lock_handlers.rule_is_masked(req, rule.id))


def update(req, access_id):
    """2.88: {"update_access": {"access_level": "ro"}}."""
    common.require_version(req, '2.88')
    rule, share = _rule(req, access_id, 'share_access_rule:update',
                        modifying=True)
    level = common.body(req, schema.update)['update_access']['access_level']
    rule = access_api.get().update_level(common.context(req), share, rule,
                                         level)
    return views.detail(req, rule,
                        masked=lock_handlers.rule_is_masked(req, rule.id))


def metadata_update(req, access_id):
    common.require_version(req, '2.45')
    rule, _share = _rule(req, access_id, 'share_access_metadata:update',
                         modifying=True)
    metadata = metadata_common.items(req)
    return {'metadata': access_db.update_metadata(
        common.context(req), rule.id, metadata)}


def metadata_delete(req, access_id, key):
    common.require_version(req, '2.45')
    rule, _share = _rule(req, access_id, 'share_access_metadata:delete',
                         modifying=True)
    access_db.delete_metadata(common.context(req), rule.id, key)
    return metadata_common.empty_200()
