"""Resource locks (2.81+): ``/resource-locks``.

* ``GET /resource-locks`` lists the project's locks (every project's with
  ``all_projects`` for those ``resource_lock:get_all_projects`` allows),
  filtered by id, resource_id, resource_type, resource_action, user_id,
  project_id, lock_context, lock_reason, ``lock_reason~`` (a substring),
  created_since and created_before; sorted and paged (limit, offset,
  with_count).
* ``GET /resource-locks/{id}`` shows one; ``POST`` places one on a share
  (``delete``) or an access rule (``delete``, ``show``); ``PUT`` changes
  its reason or action; ``DELETE`` lifts it (204).

Changing and lifting a lock take both the policy (the lock's creator, an
administrator or a service by default) and the lock's context (an
administrator's lock yields only to administrators): share/api/locks.py.
The helpers at the end are what allow_access and deny_access
(handlers/access_rules.py) use for locked access rules.
"""

from urllib import parse

from oslo_utils import uuidutils
import webob

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import resource_locks as schema
from manila_lite.api.views import resource_locks as views
from manila_lite.db import access_rules as access_db
from manila_lite.db import resource_locks as lock_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import locks as lock_api

MIN_VERSION = '2.81'


def _target(lock):
    return {'project_id': lock.project_id, 'user_id': lock.user_id}


def _get(req, lock_id):
    common.require_version(req, MIN_VERSION)
    return lock_db.get(common.context(req), lock_id)


def index(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'resource_lock:get_all')
    params = req.GET
    filters = {key: params[key] for key in lock_db.EXACT_FILTERS
               if key in params}
    if params.get('lock_reason~'):
        filters['lock_reason~'] = params['lock_reason~']
    for name in ('created_since', 'created_before'):
        if name in params:
            filters[name] = common.time_param(params, name)
    # As in Manila, all_projects and project_id are ignored for callers
    # the rule refuses rather than refused.
    all_projects = False
    if common.allowed(req, 'resource_lock:get_all_projects'):
        all_projects = common.bool_param(
            params.get('all_projects', 'false'), 'all_projects')
        if params.get('project_id'):
            filters['project_id'] = params['project_id']
            all_projects = True
    sort_key, sort_dir = common.sort_params(params, lock_db.SORT_KEYS, {})
    limit = common.limit_param(params)
    offset = common.int_param(params.get('offset', 0), 'offset')
    locks, count = lock_db.get_all(
        common.context(req), filters, all_projects=all_projects,
        limit=limit, offset=offset, sort_key=sort_key, sort_dir=sort_dir,
        with_count=common.bool_param(params.get('with_count', 'false'),
                                     'with_count'))
    next_links = None
    if 'limit' in params and locks and len(locks) == limit:
        # Pages go by offset here (Manila pages locks so too), so the
        # link asks for the next offset rather than a marker.
        query = dict(params, offset=offset + len(locks))
        next_links = [{'rel': 'next', 'href': '%s/v2/%s/%s?%s' % (
            common.base_url(req), common.context(req).project_id,
            views.COLLECTION, parse.urlencode(query))}]
    return views.index(req, locks, count=count, next_links=next_links)


def show(req, lock_id):
    lock = _get(req, lock_id)
    common.authorize(req, 'resource_lock:get',
                     {'project_id': lock.project_id})
    return {'resource_lock': views.detail(req, lock)}


def _check_action(resource_type, action):
    if resource_type not in lock_db.ACTIONS:
        raise exception.InvalidInput(
            reason="'resource_type' is required and must be one of %s."
                   % ', '.join(sorted(lock_db.ACTIONS)))
    if action not in lock_db.ACTIONS[resource_type]:
        raise exception.InvalidInput(
            reason="'resource_action' can only be one of %s for a %s."
                   % (', '.join(lock_db.ACTIONS[resource_type]),
                      resource_type))


def _resource(req, resource_type, resource_id):
    """(the share or access rule, the project owning it); 400 when the
    caller sees no such resource, as Manila answers."""
    ctx = common.context(req)
    try:
        if resource_type == lock_db.SHARE:
            share = share_db.get(ctx, resource_id,
                                 with_export_locations=False)
            return share, share.project_id
        rule = access_db.get(ctx, resource_id)
        share = share_db.get(ctx, rule.share_id, with_export_locations=False)
        return rule, share.project_id
    except exception.NotFound:
        raise exception.InvalidInput(reason='No such resource found.')


def create(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'resource_lock:create')
    data = common.body(req, schema.create)['resource_lock']
    resource_type = data.get('resource_type') or lock_db.SHARE
    action = data.get('resource_action') or lock_db.DELETE
    _check_action(resource_type, action)
    resource_id = data.get('resource_id') or ''
    if not uuidutils.is_uuid_like(resource_id):
        raise exception.InvalidInput(
            reason='Resource ID is required and must be in uuid format.')
    ctx = common.context(req)
    if action == lock_db.SHOW:
        lock_api.check_no_visibility_lock(ctx, resource_id)
    resource, project_id = _resource(req, resource_type, resource_id)
    common.authorize(req, 'resource_lock:create', {'project_id': project_id})
    lock_api.check_lockable(resource_type, resource, action,
                            exception.ResourceLockConflict)
    lock = lock_db.create(ctx, dict(
        lock_api.lock_values(ctx, resource_type, action,
                             data.get('lock_reason')),
        resource_id=resource_id))
    return {'resource_lock': views.detail(req, lock)}


def _check_manipulation(req, lock, rule):
    common.authorize(req, rule, _target(lock))
    if not lock_api.may_manipulate(common.context(req), lock):
        raise exception.NotAuthorized(
            'Resource lock %s was placed by %s and cannot be manipulated '
            'by you; ask an administrator.' % (lock.id, lock.lock_context))


def update(req, lock_id):
    lock = _get(req, lock_id)
    body = common.body(req, schema.update)['resource_lock']
    unknown = set(body) - {'resource_action', 'lock_reason'}
    if unknown:
        raise exception.InvalidInput(
            reason="Only 'resource_action' and 'lock_reason' can be "
                   "updated, not %s." % ', '.join(sorted(unknown)))
    _check_action(lock.resource_type,
                  body.get('resource_action') or lock_db.DELETE)
    _check_manipulation(req, lock, 'resource_lock:update')
    ctx = common.context(req)
    values = {}
    if 'lock_reason' in body:
        values['lock_reason'] = body['lock_reason']
    if body.get('resource_action') and \
            body['resource_action'] != lock.resource_action:
        action = body['resource_action']
        try:
            if action == lock_db.SHOW:
                lock_api.check_no_visibility_lock(ctx, lock.resource_id,
                                                  but=lock.id)
            resource, _project = _resource(req, lock.resource_type,
                                           lock.resource_id)
            lock_api.check_lockable(lock.resource_type, resource, action,
                                    exception.InvalidInput)
        except exception.ResourceLockConflict as err:
            # Manila answers 400 for what it refuses in an update.
            raise exception.InvalidInput(reason=err.msg)
        values['resource_action'] = action
    if values:
        lock = lock_db.update(ctx, lock.id, values)
    return {'resource_lock': views.detail(req, lock)}


def delete(req, lock_id):
    lock = _get(req, lock_id)
    _check_manipulation(req, lock, 'resource_lock:delete')
    lock_db.destroy(common.context(req), lock.id)
    return webob.Response(status=204, content_type=None)


# -- locked access rules (allow_access / deny_access, 2.82+) -----------------

def rule_locks_asked(req, share, data):
    """The lock rows (but their resource_id) an allow_access body asks
    for with lock_deletion and lock_visibility (2.82+; earlier versions
    ignore them, as Manila does), after checking the caller may place
    them: a refusal (400, 403) comes before the rule is written."""
    if common.version(req) < Version('2.82'):
        return []
    actions = [action for name, action in (
        ('lock_deletion', lock_db.DELETE), ('lock_visibility', lock_db.SHOW))
        if data.get(name) is not None and common.bool_param(data[name], name)]
    reason = data.get('lock_reason')
    if reason and not actions:
        raise exception.InvalidInput(
            reason='Lock reason can only be specified when locking the '
                   'visibility or the deletion of an access rule.')
    if actions:
        common.authorize(req, 'resource_lock:create',
                         {'project_id': share.project_id})
    return [lock_api.lock_values(common.context(req), lock_db.ACCESS_RULE,
                                 action, reason) for action in actions]


def lifted_by_deny(req, share, rule, unrestrict):
    """The rule's deletion locks a deny lifts: none if it has none; 403
    if it has some and ``unrestrict`` was not asked for, or if the caller
    may not lift every one of them."""
    locks = lock_db.locks_of(common.context(req), [rule.id],
                             lock_db.DELETE).get(rule.id, [])
    if not locks:
        return []
    if not unrestrict:
        raise exception.NotAuthorized(
            "Cannot deny access for share '%s' since it has been locked. "
            "Please remove the locks and retry the operation." % share.id)
    ctx = common.context(req)
    for lock in locks:
        if not (common.allowed(req, 'resource_lock:delete', _target(lock))
                and lock_api.may_manipulate(ctx, lock)):
            raise exception.NotAuthorized(
                'Unable to drop access rule restrictions that are not '
                'placed by you.')
    return [lock.id for lock in locks]


def _hidden_from(req, locks):
    ctx = common.context(req)
    return any(not (lock_api.may_manipulate(ctx, lock) and common.allowed(
        req, 'resource_lock:bypass_locked_show_action', _target(lock)))
        for lock in locks)


def masked_rules_of_share(req, share_id):
    """Ids of the share's rules whose access_to and access_key the caller
    sees masked (their visibility is locked by someone else), in one
    query."""
    found = lock_db.rule_locks_of_share(common.context(req), share_id,
                                        lock_db.SHOW)
    return {rule_id for rule_id, locks in found.items()
            if _hidden_from(req, locks)}


def rule_is_masked(req, rule_id):
    locks = lock_db.locks_of(common.context(req), [rule_id],
                             lock_db.SHOW).get(rule_id, [])
    return _hidden_from(req, locks)
