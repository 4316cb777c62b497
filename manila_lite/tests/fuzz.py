"""Malformed requests for every route, for the fuzz tests (unit, on
SQLite, and functional, on MariaDB and PostgreSQL).

A seeded generator of our own: the same seed gives the same requests, so
a failure found once is found again. Each request walks a route of
``api/router.ROUTES`` with one kind of damage at a time (path, body,
headers or query string), on top of bodies built from the API's own
schemas so that most of them reach past the envelope checks.
"""

import dataclasses
import importlib
import json
import pkgutil
import random
import urllib.parse

import webob

from manila_lite.api import microversion
from manila_lite.api import router
from manila_lite.api import schemas

HUGE_INTS = [2 ** 31, 2 ** 63, 2 ** 64, 99999999999999999999, -2 ** 63 - 1]
HUGE_NUMBERS = HUGE_INTS + [1e20, 1e308, -1e308]
BAD_SEGMENTS = ['%ff%fe', '%c3%28', '%00', 'x' * 5000, '99999999999999999999',
                '..', '%2e%2e', '%20', 'caf%C3%A9', '%25', '%2F', '{}', '-1']
NASTY_STRINGS = ['', 'x' * 70000, 'a\x00b', '\x00', '\ud800', '💥' * 300,
                 '%ff', 'x' * 256, 'x' * 1024, 'x' * 2001, ' ', '\n']
NASTY_VALUES = (NASTY_STRINGS + HUGE_NUMBERS +
                [None, True, -1, 0, [], {}, [None], {'a': None}, 1.5,
                 '99999999999999999999', '1e308', 'NaN'])
QUERY_KEYS = ['offset', 'limit', 'size', 'marker', 'sort_key', 'sort_dir',
              'created_since', 'created_before', 'is_public', 'all_tenants',
              'name', 'name~', 'description~', 'status', 'host',
              'share_type_id', 'project_id', 'metadata', 'extra_specs',
              'with_count', 'is_soft_deleted', 'user_id', 'share_type',
              'export_location_path', 'snapshot_id', 'share_network_id']
QUERY_VALUES = (['99999999999999999999', '-1', '2147483648',
                 '9223372036854775808', '1e308', 'abc', '', '%ff%fe', '%00',
                 'not-a-date', '2024-13-45T99:99:99', '9999999-01-01',
                 'maybe', 'tru', "{'a': 'b'", '{"a": 1}', 'x' * 5000,
                 '0x10', ' 1 ', '1.5', 'NaN', 'inf'])
VERSIONS = ['2.0', '2.7', '2.40', '2.65', microversion.MAX_VERSION,
            '2.9999999999999999999', '99999999999999999999.0', '2', '2.',
            'latest', 'x', '', ' 2.1', '3.0', '1.0', '2.-1', '\u00e9',
            '2.1.1']
CONTENT_TYPES = ['application/json', 'text/plain', 'application/xml',
                 'application/json; charset=bogus',
                 'application/json; charset=latin-1',
                 'multipart/form-data; boundary=x',
                 'application/x-www-form-urlencoded', '', ';;;', 'x/y/z']


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes = None

    def __str__(self):
        body = self.body if self.body is None or len(self.body) < 300 \
            else self.body[:300] + b'...(%d bytes)' % len(self.body)
        return '%s %s headers=%r body=%r' % (self.method, self.path[:500],
                                             self.headers, body)


def _schemas():
    """Every request body schema the API validates against, by the name
    of its module (that of the handlers using it)."""
    found = {}
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module('%s.%s' % (schemas.__name__,
                                                    info.name))
        for name, value in sorted(vars(module).items()):
            if not name.startswith('_') and isinstance(value, dict) and \
                    value.get('type') == 'object':
                found.setdefault(info.name, []).append(value)
    return found


def _types(schema):
    kind = schema.get('type', 'string')
    return kind if isinstance(kind, list) else [kind]


class Generator:
    """Malformed requests, ``count`` of them, from ``seed``."""

    def __init__(self, seed, ids=None):
        self.random = random.Random(seed)
        # Real ids by placeholder name, so that requests reach handlers'
        # work on existing resources and not only their 404s.
        self.ids = ids or {}
        self.schemas = _schemas()
        self.all_schemas = [s for _name, found in sorted(
            self.schemas.items()) for s in found]
        self.routes = sorted(
            (path, method, methods[method].__module__.rpartition('.')[2])
            for path, methods in router.ROUTES.items()
            for method in methods)
        self.route = None

    # Valid-looking bodies, from the schemas.

    def _example(self, schema, depth=0):
        rnd = self.random
        if 'enum' in schema:
            return rnd.choice(schema['enum'])
        for key in ('oneOf', 'anyOf'):
            if key in schema:
                return self._example(rnd.choice(schema[key]), depth)
        kind = rnd.choice(_types(schema))
        if kind == 'object':
            props = schema.get('properties', {})
            keys = set(schema.get('required', []))
            keys |= {k for k in props if rnd.random() < 0.5}
            return {k: self._example(props.get(k, {}), depth + 1)
                    for k in sorted(keys)}
        if kind == 'array':
            return [self._example(schema.get('items', {}), depth + 1)]
        if kind == 'integer':
            return rnd.choice([1, 2, 10])
        if kind == 'number':
            return 1.5
        if kind == 'boolean':
            return rnd.choice([True, False])
        if kind == 'null':
            return None
        return rnd.choice(['fuzz', 'NFS', 'true', '1', 'ip', 'rw',
                           '10.0.0.1', 'available'] +
                          list(self.ids.get('share_id', [])))

    def _mutate(self, data):
        """One leaf (or key) of ``data`` replaced by a nasty value."""
        rnd = self.random
        if not isinstance(data, dict) or not data or rnd.random() < 0.1:
            return rnd.choice(NASTY_VALUES)
        key = rnd.choice(sorted(data))
        if rnd.random() < 0.1:
            data[rnd.choice(NASTY_STRINGS[:6])] = data.pop(key)
        else:
            data[key] = self._mutate(data[key])
        return data

    def _body(self):
        rnd = self.random
        kind = rnd.random()
        if kind < 0.1:
            depth = rnd.choice([1000, 5000, 100000])
            return ('[' * depth + ']' * depth).encode()
        if kind < 0.15:
            depth = rnd.choice([900, 5000])
            return ('{"a":' * depth + '1' + '}' * depth).encode()
        if kind < 0.22:
            return rnd.choice([b'', b'{', b'\xff\xfe', b'null', b'[]',
                               b'"x"', b'1e999999', b'{"a": NaN}',
                               b'\x00', b'{"share": ' + b'9' * 5000 + b'}'])
        data = self._example(self._schema())
        if rnd.random() < 0.15 and isinstance(data, dict) and data:
            # An action body: the action key holding a nasty argument.
            data = {rnd.choice(sorted(data)): rnd.choice(NASTY_VALUES)}
        else:
            data = self._mutate(data)
        try:
            return json.dumps(data).encode('utf-8', 'surrogatepass')
        except ValueError:
            return b'{}'

    def _schema(self):
        """Mostly one of the schemas of the route's handler module, so
        that most bodies get past the envelope checks."""
        own = self.schemas.get(self.module)
        if own and self.random.random() < 0.8:
            return self.random.choice(own)
        return self.random.choice(self.all_schemas)

    # Paths, queries and headers.

    def _segment(self, name, damage):
        if damage:
            return self.random.choice(BAD_SEGMENTS)
        known = self.ids.get(name)
        if known and self.random.random() < 0.8:
            return self.random.choice(known)
        return 'e0000000-0000-0000-0000-000000000000'

    def _path(self, route, damage):
        placeholders = [s for s in route.split('/') if s.startswith('{')]
        damaged = self.random.choice(placeholders) if (
            damage and placeholders) else None
        segments = []
        for segment in route.split('/')[1:]:
            if segment.startswith('{'):
                segments.append(self._segment(segment[1:-1],
                                              segment == damaged))
            else:
                segments.append(segment)
        path = '/' + '/'.join(segments)
        if damage and not placeholders:
            path = self.random.choice([path + '/%ff%fe', path + '//',
                                       path + '/' + 'x' * 3000,
                                       '/%ff' + path, path + '%00'])
        return path

    def _query(self, damage):
        rnd = self.random
        if not damage:
            return ''
        pairs = []
        for _i in range(rnd.randint(1, 3)):
            value = rnd.choice(QUERY_VALUES)
            if '%' not in value:
                value = urllib.parse.quote(value, safe="{}':,")
            pairs.append('%s=%s' % (rnd.choice(QUERY_KEYS), value))
        return '?' + '&'.join(pairs)

    def request(self):
        rnd = self.random
        route, method, self.module = rnd.choice(self.routes)
        # Which route the request walks, for callers counting coverage.
        self.route = (route, method)
        damage = rnd.choice(['path', 'body', 'headers', 'query'])
        path = '/v2' + self._path(route, damage == 'path')
        if rnd.random() < 0.5:
            path = '/v2/%s%s' % (self.ids.get('project', ['p'])[0],
                                 path[len('/v2'):])
        path += self._query(damage == 'query' or rnd.random() < 0.1)
        headers = {microversion.HEADER: rnd.choice(VERSIONS[:5])}
        body = None
        if method in ('POST', 'PUT'):
            headers['Content-Type'] = 'application/json'
            body = self._body() if damage == 'body' or rnd.random() < 0.5 \
                else json.dumps(self._mutate(self._example(
                    self._schema()))).encode('utf-8', 'surrogatepass')
        if damage == 'headers':
            headers[microversion.HEADER] = rnd.choice(VERSIONS)
            if rnd.random() < 0.5:
                headers['Content-Type'] = rnd.choice(CONTENT_TYPES)
            if rnd.random() < 0.3:
                headers['X-OpenStack-Manila-API-Experimental'] = \
                    rnd.choice(['True', 'maybe', ''])
        return Request(method, path, headers, body)

    def requests(self, count):
        for _i in range(count):
            yield self.request()


def send(app, request, token):
    """``request`` sent to the WSGI ``app`` with the noauth ``token``:
    its webob response, or the exception the app let out."""
    headers = dict(request.headers, **{'X-Auth-Token': token})
    content_type = headers.pop('Content-Type', None)
    path, _sep, query = request.path.partition('?')
    environ = {'PATH_INFO': urllib.parse.unquote_to_bytes(path).decode(
        'latin-1'), 'QUERY_STRING': query, 'REQUEST_METHOD': request.method,
        'RAW_URI': request.path}
    for key, value in headers.items():
        environ['HTTP_' + key.upper().replace('-', '_')] = value.encode(
            'utf-8').decode('latin-1')
    if content_type is not None:
        environ['CONTENT_TYPE'] = content_type
    req = webob.Request.blank('/', environ, body=request.body)
    try:
        return req.get_response(app)
    except Exception as err:  # what a WSGI server would answer 500 for
        return err


def failure(request, response):
    """Why ``response`` is wrong for ``request``, or None: a 5xx (or an
    exception) is; so is an error without Manila's fault body and a
    request id."""
    if isinstance(response, Exception):
        return '%s -> raised %r' % (request, response)
    status = response.status_int
    if status < 400:
        return None
    problem = None
    if status >= 500:
        problem = 'server error'
    elif not response.headers.get('x-openstack-request-id'):
        problem = 'no request id'
    else:
        try:
            ((_name, fault),) = json.loads(response.body).items()
            if fault['code'] != status or not fault['message']:
                problem = 'fault body does not match'
        except (ValueError, TypeError, KeyError, AttributeError):
            problem = 'no fault body'
    if problem is None:
        return None
    return '%s -> %s (%s) %r' % (request, response.status, problem,
                                 response.body[:300])
