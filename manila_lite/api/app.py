"""The WSGI application, composed in code in the order requests flow.

request id -> request log -> authentication (keystonemiddleware or noauth)
-> context and microversion -> pecan root, which dispatches through the
route table.

The unversioned root (``GET /``), where clients discover the API versions,
is answered without authentication, as Manila answers it, and so is
``/healthcheck`` (see :mod:`manila_lite.api.healthcheck`).
"""

import time
from urllib import parse

from oslo_log import log as logging
from oslo_middleware import request_id
import pecan
import webob
import webob.dec

from manila_lite.api import faults
from manila_lite.api import healthcheck
from manila_lite.api import microversion
from manila_lite.api import pecan_speedups
from manila_lite.api import router
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite import exception
from manila_lite import policy

CONF = conf.CONF
LOG = logging.getLogger(__name__)
# Seconds a client is asked to wait when the database cannot be reached.
DB_RETRY_AFTER = 10


class RequestId(request_id.RequestId):
    """Every response carries its request id in ``x-openstack-request-id``
    and, as Manila's always has, ``x-compute-request-id``."""

    compat_headers = ['x-compute-request-id']


class NoAuth:
    """Development authentication, as Manila's noauth.

    The token is ``user:project`` (or just ``user``, the project then being
    the one in the URL or the user); every caller is an administrator
    unless an ``X-Roles`` header says otherwise.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        token = environ.get('HTTP_X_AUTH_TOKEN', '')
        user_id, _sep, project_id = token.partition(':')
        if not project_id:
            project_id = (router.split_path(environ.get('PATH_INFO', ''))[0]
                          or user_id or 'admin')
        environ['HTTP_X_USER_ID'] = user_id or 'admin'
        environ['HTTP_X_PROJECT_ID'] = project_id
        environ.setdefault('HTTP_X_ROLES', 'admin,member,reader')
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        return self.app(environ, start_response)


def _malformed_url(req):
    """Why the URL cannot be read (escapes that are not UTF-8, NUL
    characters no database stores), or None."""
    try:
        texts = [req.path_info]
        for key, value in req.GET.items():
            texts += [key, value]
    except UnicodeDecodeError:
        return 'Malformed request url: it is not UTF-8.'
    if any('\x00' in text for text in texts):
        return 'Malformed request url: it contains a NUL character.'
    return None


class ContextMiddleware:
    """Builds the request context and negotiates the microversion."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        # The API speaks JSON only, whatever a client accepts, as Manila;
        # this keeps pecan's content negotiation from answering 406.
        req.accept = 'application/json'
        problem = _malformed_url(req)
        if problem:
            return faults.fault_response(400, problem)
        unversioned = req.path_info in ('', '/')
        if req.environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed' and \
                not unversioned:
            return faults.fault_response(401, 'Authentication required.')
        # Stored for this thread too, so that every log line of the request
        # names its request id, user and project (oslo.log context format).
        ctx = ml_context.RequestContext.from_environ(
            req.environ, request_id=req.environ.get(request_id.ENV_REQUEST_ID),
            remote_address=req.remote_addr)
        # An operator may redefine who is an administrator in the policy
        # file; the admin flag (every project's resources) follows it.
        ctx.is_admin = policy.check_is_admin(ctx)
        req.environ['manila.context'] = ctx
        if unversioned:
            # The root is unversioned: clients discover versions there.
            return req.get_response(self.app)
        return self._versioned(req)

    def _versioned(self, req):
        try:
            version = microversion.negotiate(req.headers)
        except microversion.NotAcceptable as err:
            response = faults.fault_response(err.code, err.msg)
            microversion.add_headers(response, req.headers[
                microversion.HEADER])
            return response
        except exception.ManilaLiteException as err:
            return faults.fault_response(err.code, err.msg,
                                         headers=err.headers)
        req.environ['manila.api_version'] = version
        is_experimental = microversion.experimental(req.headers)
        req.environ['manila.api_experimental'] = is_experimental
        response = req.get_response(self.app)
        microversion.add_headers(response, version, is_experimental)
        return response


class RootController:
    """Pecan root: ``_route`` sends every request to the route table;
    what no handler expected is logged and answered 500 in Manila's fault
    body; a database that cannot be reached, 503 with Retry-After."""

    @pecan.expose(content_type='application/json', generic=False)
    def dispatch(self, *args, **kwargs):
        req = pecan.request
        try:
            return router.dispatch(req)
        except Exception as err:
            if db_api.unreachable(err):
                # The engine reconnects once the database is back.
                LOG.error('%s %s: database unreachable: %s', req.method,
                          req.path_info, err)
                return faults.fault_response(
                    503, 'The database is unavailable; try again later.',
                    headers={'Retry-After': str(DB_RETRY_AFTER)})
            LOG.exception('%s %s failed', req.method, req.path_info)
            return faults.fault_response(
                500, 'The server has either erred or is incapable of '
                     'performing the requested operation.')

    @pecan.expose()
    def _route(self, args, request=None):
        return self.dispatch, []


class PecanRequest(pecan.Request):
    """Handlers read and validate the body themselves (common.body);
    pecan, which would parse a JSON body into keyword arguments nobody
    reads, is given none, and cannot fail on a body it cannot parse."""

    @property
    def json(self):
        return {}


class RequestLog:
    """One line per request with its status, whoever answered it: the
    application, or the authentication refusing it (401). Health checks,
    which load balancers send every few seconds, are logged at DEBUG."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # This request's own context until the authentication names the
        # caller: the previous request of the thread must not sign the
        # lines of this one.
        ml_context.RequestContext(
            request_id=environ.get(request_id.ENV_REQUEST_ID),
            remote_address=environ.get('REMOTE_ADDR'), overwrite=True)
        started = time.monotonic()
        # Read before the router strips the project id from PATH_INFO.
        path = environ.get('PATH_INFO', '')
        req = webob.Request(environ)
        status, length = 500, 0
        try:
            response = req.get_response(self.app)
            status, length = response.status_int, response.content_length
        finally:
            self._log(environ, path, status, length,
                      time.monotonic() - started)
        return response(environ, start_response)

    @staticmethod
    def _log(environ, path, status, length, elapsed):
        # The raw path: what a client sent may not decode as UTF-8.
        url = parse.quote(path.encode('latin-1', 'replace'),
                          safe="/;:@&=+$,%~!*'()")
        if environ.get('QUERY_STRING'):
            url += '?' + environ['QUERY_STRING']
        level = logging.DEBUG if path == healthcheck.PATH else logging.INFO
        LOG.log(level, '%(method)s %(url)s status: %(status)s len: '
                       '%(length)s time: %(time).4f',
                {'method': environ.get('REQUEST_METHOD'), 'url': url,
                 'status': status, 'length': length or 0, 'time': elapsed})


class PublicRoot:
    """Sends the unversioned root and the health check past
    authentication, the rest through it."""

    def __init__(self, public, authenticated, health):
        self.public = public
        self.authenticated = authenticated
        self.health = health

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path in ('', '/'):
            return self.public(environ, start_response)
        if path == healthcheck.PATH:
            return self.health(environ, start_response)
        return self.authenticated(environ, start_response)


def authentication(app, refuse=True):
    """``app`` behind the configured ``auth_strategy``; with ``refuse``
    False, a request without a valid token still reaches ``app``, its
    ``X-Identity-Status`` saying Invalid."""
    if CONF.auth_strategy == 'noauth':
        return NoAuth(app)
    from keystonemiddleware import auth_token
    # Options come from [keystone_authtoken] of manila-lite's own config.
    options = {'oslo_config_config': CONF}
    if not refuse:
        options['delay_auth_decision'] = True
    return auth_token.AuthProtocol(app, options)


def build_app():
    """The WSGI callable served by manila-lite-api and manila-lite-all."""
    pecan_speedups.install()
    app = pecan.Pecan(RootController(), force_canonical=False,
                      guess_content_type_from_ext=False,
                      request_cls=PecanRequest)
    app = ContextMiddleware(app)
    health = healthcheck.Healthcheck(
        lambda answer: authentication(answer, refuse=False))
    return RequestId(RequestLog(PublicRoot(app, authentication(app),
                                           health)))
