"""``/healthcheck`` of the API process: oslo.middleware's healthcheck with
two backends of ours, the database and the message broker.

Load balancers ask it without a token and get ``200 OK`` or ``503`` with
the reasons in one line. A caller whose token makes it an administrator
(the ``context_is_admin`` rule) gets oslo.middleware's detailed answer
(``Accept: application/json`` for JSON). Operators may add oslo's own
backends (``disable_by_file``...) to ``[healthcheck] backends``.
"""

import threading
import time

import kombu
import oslo_messaging as messaging
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import pluginbase
import sqlalchemy as sa

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite import policy

CONF = conf.CONF
PATH = '/healthcheck'
# Probes closer together than this share one broker login, so that a
# load balancer asking every second does not log in to RabbitMQ as often.
BROKER_ANSWER_SECONDS = 5
BROKER_CONNECT_TIMEOUT = 3


class DatabaseCheck(pluginbase.HealthcheckBaseExtension):
    """One ``SELECT 1`` on a pooled connection."""

    def healthcheck(self, server_port):
        try:
            with db_api.get_engine().connect() as connection:
                connection.execute(sa.text('SELECT 1'))
        except Exception as err:
            return pluginbase.HealthcheckResult(
                available=False, reason='Database unreachable',
                details='%s: %s' % (err.__class__.__name__, err))
        return pluginbase.HealthcheckResult(available=True,
                                            reason='Database OK')


class MessagingCheck(pluginbase.HealthcheckBaseExtension):
    """Logs in to a broker of ``transport_url`` (RabbitMQ); the in-process
    ``fake://`` transport of manila-lite-all is always there."""

    def __init__(self, oslo_conf, conf):
        super().__init__(oslo_conf, conf)
        self._lock = threading.Lock()
        self._answer = None
        self._answered_at = None

    def healthcheck(self, server_port):
        with self._lock:
            now = time.monotonic()
            if self._answered_at is None or \
                    now - self._answered_at >= BROKER_ANSWER_SECONDS:
                self._answer = self._probe()
                self._answered_at = time.monotonic()
            return self._answer

    def _probe(self):
        url = messaging.TransportURL.parse(CONF)
        if url.transport in ('fake', 'fake+memory'):
            return pluginbase.HealthcheckResult(
                available=True, reason='Message broker OK',
                details='in-process transport')
        if url.transport not in ('rabbit', 'amqp', 'kombu'):
            return pluginbase.HealthcheckResult(
                available=True, reason='Message broker not checked',
                details='no check for transport %s' % url.transport)
        errors = []
        for host in url.hosts:
            broker = kombu.Connection(
                hostname=host.hostname, port=host.port or 5672,
                userid=host.username, password=host.password,
                virtual_host=url.virtual_host or '/',
                connect_timeout=BROKER_CONNECT_TIMEOUT)
            try:
                broker.connect()
                return pluginbase.HealthcheckResult(
                    available=True, reason='Message broker OK',
                    details='%s:%s' % (host.hostname, host.port))
            except Exception as err:
                errors.append('%s:%s: %s' % (host.hostname, host.port, err))
            finally:
                broker.release()
        return pluginbase.HealthcheckResult(
            available=False, reason='Message broker unreachable',
            details='; '.join(errors) or 'no broker host configured')


class Healthcheck:
    """Plain answers for anyone; detailed ones for administrators.

    ``identify`` is the API's authentication, built so that it never
    refuses (keystonemiddleware with ``delay_auth_decision``): a bad or
    missing token only loses the details.
    """

    def __init__(self, identify):
        self.plain = healthcheck.Healthcheck(None, CONF)
        self.detailed = healthcheck.Healthcheck(None, CONF)
        # Chosen per instance, not by [healthcheck] detailed, which
        # would show everyone the details (threads' stacks included).
        self.plain._show_details = False
        self.detailed._show_details = True
        self.identify = identify(self._answer)

    def __call__(self, environ, start_response):
        if environ.get('HTTP_X_AUTH_TOKEN'):
            return self.identify(environ, start_response)
        return self.plain(environ, start_response)

    def _answer(self, environ, start_response):
        return self._checker(environ)(environ, start_response)

    def _checker(self, environ):
        if environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed':
            return self.plain
        ctx = ml_context.RequestContext.from_environ(environ)
        return self.detailed if policy.check_is_admin(ctx) else self.plain
