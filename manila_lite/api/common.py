"""Helpers every handler uses: context, version, body, paging, links."""

import ast

import jsonschema
from oslo_serialization import jsonutils
from oslo_utils import strutils
from oslo_utils import timeutils
import webob

from manila_lite.api import microversion
from manila_lite import conf
from manila_lite import exception
from manila_lite import policy

CONF = conf.CONF


def context(req):
    return req.environ['manila.context']


def version(req):
    return req.environ['manila.api_version']


def authorize(req, action, target=None):
    """Enforce ``action`` for the caller; targets default to its project."""
    ctx = context(req)
    policy.authorize(ctx, action, target or {'project_id': ctx.project_id})


def allowed(req, action, target=None):
    """Like authorize, but answers instead of raising."""
    ctx = context(req)
    return policy.allowed(ctx, action,
                          target or {'project_id': ctx.project_id})


def body(req, schema):
    """The request JSON, validated against ``schema`` (400 if it is not)."""
    return validate(parse_body(req), schema)


def parse_body(req):
    """The request JSON, not validated; 400 if it cannot be read."""
    try:
        data = jsonutils.loads(req.body or b'null')
    except ValueError as err:
        raise exception.InvalidInput(reason='Malformed request body: %s'
                                     % err)
    except RecursionError:
        raise exception.InvalidInput(
            reason='Malformed request body: nested too deeply.')
    return data


def validate(data, schema):
    """``data`` if it matches ``schema``; 400 naming the field if not.

    Whatever the schema, no string may hold a NUL character (PostgreSQL
    refuses to store one) and no integer may be beyond a 64-bit column.
    """
    try:
        _check_values(data, '')
        validator = jsonschema.Draft7Validator(schema)
        error = jsonschema.exceptions.best_match(
            validator.iter_errors(data))
    except RecursionError:
        raise exception.InvalidInput(
            reason='Malformed request body: nested too deeply.')
    if error is not None:
        where = '/'.join(str(p) for p in error.absolute_path)
        raise exception.InvalidInput(
            reason='%s%s' % (('%s: ' % where) if where else '',
                             error.message))
    return data


# Manila's bound for counts and sizes (its DB_MAX_INT): a 32-bit column.
MAX_INT = 2 ** 31 - 1
# Any integer column: quota limits and usages are 64-bit.
MAX_BIGINT = 2 ** 63 - 1


def _check_values(data, where):
    if isinstance(data, dict):
        for key, value in data.items():
            _check_values(key, where)
            _check_values(value, '%s%s/' % (where, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _check_values(value, '%s%d/' % (where, i))
    elif isinstance(data, str) and '\x00' in data:
        raise exception.InvalidInput(
            reason='%s: must not contain a NUL character.'
            % (where.rstrip('/') or 'body'))
    elif isinstance(data, (int, float)) and not isinstance(data, bool) \
            and not -MAX_BIGINT <= data <= MAX_BIGINT:
        raise exception.InvalidInput(
            reason='%s: %s is out of range.' % (where.rstrip('/') or 'body',
                                                data))


def bool_param(value, name):
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.InvalidInput(
            reason='%s must be a boolean, not %r.' % (name, value))


def is_public_filter(value):
    """An administrator's ``is_public`` filter of a type list: absent is
    True (public ones and private ones shared with the caller's project),
    'all' is None (every one), else a boolean."""
    if value is None:
        return True
    if value.lower() == 'all':
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.Invalid('Invalid is_public filter [%s]' % value)


def int_param(value, name, minimum=0, maximum=MAX_INT):
    """An integer from a query or body, within what a database column
    holds (Manila bounds offsets, limits and sizes the same way)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise exception.InvalidInput(
            reason='%s must be an integer, not %r.' % (name, value))
    if number < minimum:
        raise exception.InvalidInput(
            reason='%s must be >= %d, not %d.' % (name, minimum, number))
    if number > maximum:
        raise exception.InvalidInput(
            reason='%s must be <= %d, not %d.' % (name, maximum, number))
    return number


def display_fields(data):
    """display_name/display_description from either spelling of a body."""
    values = {}
    for key, column in (('display_name', 'display_name'),
                        ('name', 'display_name'),
                        ('display_description', 'display_description'),
                        ('description', 'display_description')):
        if key in data:
            values[column] = data[key]
    return values


def sort_params(params, valid_keys, aliases):
    """(sort_key, sort_dir) of a list request, newest first by default."""
    sort_key = params.get('sort_key', 'created_at')
    sort_key = aliases.get(sort_key, sort_key)
    sort_dir = params.get('sort_dir', 'desc').lower()
    if sort_key not in valid_keys:
        raise exception.InvalidInput(
            reason="Wrong sorting key provided - '%s'." % sort_key)
    if sort_dir not in ('asc', 'desc'):
        raise exception.InvalidInput(
            reason="Wrong sorting direction provided - '%s'." % sort_dir)
    return sort_key, sort_dir


def limit_param(params):
    """Requested page size, capped by osapi_max_limit."""
    if 'limit' not in params:
        return CONF.osapi_max_limit
    return min(int_param(params['limit'], 'limit'), CONF.osapi_max_limit)


def base_url(req):
    """Computed once per request: list views need it for every item."""
    url = req.environ.get('manila.base_url')
    if url is None:
        url = (CONF.osapi_share_base_URL or
               req.application_url).rstrip('/')
        req.environ['manila.base_url'] = url
    return url


def links(req, collection, resource_id):
    project = context(req).project_id
    return [
        {'href': '%s/v2/%s/%s/%s' % (base_url(req), project, collection,
                                     resource_id), 'rel': 'self'},
        {'href': '%s/%s/%s/%s' % (base_url(req), project, collection,
                                  resource_id), 'rel': 'bookmark'},
    ]


def next_link(req, collection, items, limit):
    """A 'next' link when the page is full, as Manila clients follow."""
    if not items or len(items) < limit:
        return None
    params = dict(req.GET)
    params['marker'] = items[-1].id
    query = '&'.join('%s=%s' % (k, v) for k, v in params.items())
    return [{'rel': 'next', 'href': '%s/v2/%s/%s?%s' % (
        base_url(req), context(req).project_id, collection, query)}]


def collection(req, key, items, view, count=None, next_links=None,
               links_key=None):
    """The one shape of every list answer, built in one place so that no
    resource drifts from it: the items under ``key`` in the order given,
    then ``count`` only when the caller asked for one, then the next-page
    links (under ``<key>_links`` unless Manila names them otherwise) only
    when there is a next page. ``view(req, item)`` shows one item."""
    body = {key: [view(req, item) for item in items]}
    if count is not None:
        body['count'] = count
    if next_links:
        body[links_key or key + '_links'] = next_links
    return body


def isotime(value):
    return value.isoformat(timespec='microseconds') if value else None


def time_param(params, name):
    """An ISO 8601 time filter (created_since, created_before) as naive
    UTC, or a 400 naming the query key."""
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(params[name]))
    except ValueError:
        raise exception.InvalidInput(
            reason='Invalid value specified for the query key: %s' % name)


def json_response(data, status=200):
    return webob.Response(body=jsonutils.dump_as_bytes(data), status=status,
                          content_type='application/json', charset='UTF-8')


def accepted():
    """202 with no body, as Manila answers deletes and actions."""
    return webob.Response(status=202, content_type=None)


def require_version(req, low, high=None, experimental_before=None):
    """404, as Manila answers for a method absent at the request version.

    Below ``experimental_before`` the method was experimental: it exists
    only for requests sending X-OpenStack-Manila-API-Experimental: True.
    """
    current = version(req)
    if not current.matches(low, high) or (
            experimental_before is not None and
            current < microversion.Version(experimental_before) and
            not req.environ.get('manila.api_experimental')):
        raise exception.VersionNotFoundForAPIMethod(
            'The resource could not be found.')


def action(req, body_schema, actions):
    """``(name, entry, args)`` of a ``POST .../action`` request.

    The body names one action. ``actions`` maps each name to its entry:
    a handler, or a tuple ``(handler, first version[, last version],
    ...)``. A name that is not there, or not at the request's version,
    is a 404 whatever the resource: Manila answers so for an action below
    its microversion, and a name we do not know may be one Manila serves
    and we do not (``migration_start``).

    A handler marked ``checked_before_lookup`` has its rule enforced here,
    before the caller's resource module looks the resource up.
    """
    data = body(req, body_schema)
    name, args = next(iter(data.items()))
    entry = actions.get(name)
    spec = entry if isinstance(entry, tuple) else (entry,)
    low = spec[1] if len(spec) > 1 else microversion.MIN_VERSION
    high = spec[2] if len(spec) > 2 else None
    if entry is None or not version(req).matches(low, high):
        raise exception.VersionNotFoundForAPIMethod(
            'Action %s is not available at API version %s.'
            % (name, version(req)))
    authorize_before_lookup(req, spec[0])
    return name, entry, args


def checked_before_lookup(rule):
    """Mark a handler whose ``rule`` is enforced before its resource is
    read, against the caller's own project, as Manila checks its admin
    actions: a caller the rule refuses gets 403 whether the id is unknown,
    another project's or its own, and learns nothing of the resource.
    A handler acting on a project's resource checks the rule again
    against that project: a rule an operator opens to owners must not
    reach other projects' public shares.
    """
    def mark(handler):
        handler.rule_before_lookup = rule
        return handler
    return mark


def authorize_before_lookup(req, handler):
    """Enforce the rule ``handler`` was marked with, if any (see
    checked_before_lookup); ``action`` does it for every action."""
    rule = getattr(handler, 'rule_before_lookup', None)
    if rule is not None:
        authorize(req, rule)


def check_url_name(req):
    """``os-*`` URLs serve 2.0-2.6 and their new names 2.7+; else 404."""
    legacy = req.environ.get('manila.legacy_path', False)
    if legacy != (version(req) < microversion.Version('2.7')):
        raise exception.VersionNotFoundForAPIMethod(
            'The resource could not be found.')


def dict_param(value, name):
    """A dict query parameter, sent by Manila clients as a Python literal
    (``str(dict)``) or as JSON."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        try:
            parsed = jsonutils.loads(value)
        except ValueError:
            parsed = None
    if not isinstance(parsed, dict):
        raise exception.InvalidInput(
            reason='%s must be a dictionary, not %r.' % (name, value))
    return {str(k): str(v) for k, v in parsed.items()}
