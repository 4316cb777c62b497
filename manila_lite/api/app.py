"""The WSGI application, composed in code in the order requests flow.

request id -> authentication (keystonemiddleware or noauth) -> context and
microversion -> pecan root, which dispatches through the route table.

The unversioned root (``GET /``), where clients discover the API versions,
is answered without authentication, as Manila answers it.
"""

import time

from oslo_log import log as logging
from oslo_middleware import request_id
import pecan
import webob
import webob.dec

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite import exception
from manila_lite import policy
from manila_lite.api import faults
from manila_lite.api import microversion
from manila_lite.api import pecan_speedups
from manila_lite.api import router

CONF = conf.CONF
LOG = logging.getLogger(__name__)


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


class ContextMiddleware:
    """Builds the request context and negotiates the microversion."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        # The API speaks JSON only, whatever a client accepts, as Manila;
        # this keeps pecan's content negotiation from answering 406.
        req.accept = 'application/json'
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
        started = time.monotonic()
        response = self._versioned(req)
        LOG.info('%(method)s %(url)s status: %(status)s len: %(length)s '
                 'time: %(time).4f',
                 {'method': req.method, 'url': req.path_qs,
                  'status': response.status_int,
                  'length': response.content_length or 0,
                  'time': time.monotonic() - started})
        return response

    def _versioned(self, req):
        try:
            version = microversion.negotiate(req.headers)
        except microversion.NotAcceptable as err:
            response = faults.fault_response(err.code, err.msg)
            microversion.add_headers(response, req.headers[
                microversion.HEADER])
            return response
        except exception.ManilaLiteException as err:
            return faults.fault_response(err.code, err.msg)
        req.environ['manila.api_version'] = version
        is_experimental = microversion.experimental(req.headers)
        req.environ['manila.api_experimental'] = is_experimental
        response = req.get_response(self.app)
        microversion.add_headers(response, version, is_experimental)
        return response


class RootController:
    """Pecan root: ``_route`` sends every request to the route table;
    what no handler expected is logged and answered 500 in Manila's fault
    body."""

    @pecan.expose(content_type='application/json', generic=False)
    def dispatch(self, *args, **kwargs):
        req = pecan.request
        try:
            return router.dispatch(req)
        except Exception:
            LOG.exception('%s %s failed', req.method, req.path_info)
            return faults.fault_response(
                500, 'The server has either erred or is incapable of '
                     'performing the requested operation.')

    @pecan.expose()
    def _route(self, args, request=None):
        return self.dispatch, []


class PublicRoot:
    """Sends the unversioned root past authentication, the rest through
    it."""

    def __init__(self, public, authenticated):
        self.public = public
        self.authenticated = authenticated

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '') in ('', '/'):
            return self.public(environ, start_response)
        return self.authenticated(environ, start_response)


def authentication(app):
    """``app`` behind the configured ``auth_strategy``."""
    if CONF.auth_strategy == 'noauth':
        return NoAuth(app)
    from keystonemiddleware import auth_token
    # Options come from [keystone_authtoken] of manila-lite's own config.
    return auth_token.AuthProtocol(app, {'oslo_config_config': CONF})


def build_app():
    """The WSGI callable served by manila-lite-api and manila-lite-all."""
    pecan_speedups.install()
    app = pecan.Pecan(RootController(), force_canonical=False,
                      guess_content_type_from_ext=False)
    app = ContextMiddleware(app)
    return RequestId(PublicRoot(app, authentication(app)))
