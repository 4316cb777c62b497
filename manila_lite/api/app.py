"""The WSGI application, composed in code in the order requests flow.

request id -> authentication (keystonemiddleware or noauth) -> context and
microversion -> pecan root, which dispatches through the route table.
"""

from oslo_log import log as logging
from oslo_middleware import request_id
import pecan
import webob
import webob.dec

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite import exception
from manila_lite.api import faults
from manila_lite.api import microversion
from manila_lite.api import router

CONF = conf.CONF
LOG = logging.getLogger(__name__)


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
        if req.environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed':
            if req.path_info not in ('', '/') and \
                    req.path_info.rstrip('/') != '/v2':
                return faults.fault_response(401, 'Authentication required.')
        ctx = ml_context.RequestContext.from_environ(
            req.environ, request_id=req.environ.get(request_id.ENV_REQUEST_ID),
            remote_address=req.remote_addr)
        req.environ['manila.context'] = ctx
        if req.path_info in ('', '/'):
            # The root is unversioned: clients discover versions there.
            return req.get_response(self.app)
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
        response = req.get_response(self.app)
        microversion.add_headers(response, version)
        response.headers['x-compute-request-id'] = ctx.request_id
        return response


def build_app():
    """The WSGI callable served by manila-lite-api and manila-lite-all."""
    app = pecan.Pecan(router.RootController(), force_canonical=False,
                      guess_content_type_from_ext=False)
    app = ContextMiddleware(app)
    if CONF.auth_strategy == 'noauth':
        app = NoAuth(app)
    else:
        from keystonemiddleware import auth_token
        app = auth_token.filter_factory({})(app)
    return request_id.RequestId(app)
