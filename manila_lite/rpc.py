"""oslo.messaging plumbing: one transport per process, context on the wire,
and casts that never wait on a broker that is gone.

RabbitMQ (``transport_url = rabbit://...``) in a split deployment; the
all-in-one process uses oslo.messaging's in-process ``fake://`` transport.

A cast gives up after about ``rpc_cast_timeout`` seconds of reconnecting
(oslo.messaging's own retries, counted to fit). What then depends on the
cast: one whose request is written down in the database, and asked for
again by a periodic task when it is lost (``redriven``: creates and
deletes of shares and snapshots), is kept here and sent once the broker
answers again, so the API answers as it would have. Any other cast raises
``BrokerUnavailable`` (503); its caller undoes what it wrote. Once a cast
has failed, this process knows the broker is down and fails the next ones
at once, until a probe every few seconds gets through.
"""

import collections
import threading
import time

import amqp.exceptions
import kombu.exceptions
from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging
import oslo_messaging.opts  # noqa: F401  (list_opts for defaults)
from oslo_messaging.rpc import dispatcher
from oslo_serialization import jsonutils

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)
_TRANSPORT = None
_IN_PROCESS = False
_NOTIFIER = None
# topic -> endpoints this process serves on the in-process transport.
_LOCAL_ENDPOINTS = {}
# What a cast raises when the broker cannot take it: oslo.messaging's own
# failure, kombu's and py-amqp's connection errors, the socket's.
DELIVERY_ERRORS = (messaging.MessageDeliveryFailure,
                   kombu.exceptions.OperationalError,
                   amqp.exceptions.ConnectionError, ConnectionError,
                   OSError)
PROBE_INTERVAL = 2
PROBE_TOPIC = 'manila-lite-broker-probe'
# Casts kept while the broker is down, per process; the oldest go first
# beyond this (the periodic tasks ask for them again).
OUTBOX_LIMIT = 10000


class ContextSerializer(messaging.Serializer):
    """Sends the request context as a dict and rebuilds it on receipt."""

    def serialize_entity(self, ctxt, entity):
        return entity

    def deserialize_entity(self, ctxt, entity):
        return entity

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return ml_context.RequestContext.from_dict(ctxt)


def set_transport_default(url):
    """Default transport_url before oslo.messaging registers its options."""
    for group, opts in messaging.opts.list_opts():
        if group in (None, 'DEFAULT'):
            CONF.register_opts(opts)
    CONF.set_default('transport_url', url)


def init():
    """Create the transport once per process (after config is parsed)."""
    global _TRANSPORT, _IN_PROCESS
    if _TRANSPORT is None:
        _TRANSPORT = messaging.get_rpc_transport(CONF)
        _IN_PROCESS = messaging.TransportURL.parse(CONF).transport in (
            'fake', 'fake+memory')
    return _TRANSPORT


def cleanup():
    global _TRANSPORT, _NOTIFIER
    BROKER.reset()
    _LOCAL_ENDPOINTS.clear()
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
    _TRANSPORT = _NOTIFIER = None


def in_process():
    """The transport is the all-in-one's ``fake://``: nothing to wait
    on."""
    init()
    return _IN_PROCESS


def retries_within(seconds):
    """How many reconnects oslo.messaging's RabbitMQ driver makes within
    ``seconds``: it waits ``rabbit_retry_interval``, then that plus
    ``rabbit_retry_backoff`` more each time, up to ``rabbit_interval_max``,
    and ``kombu_reconnect_delay`` on top when a publish fails."""
    try:
        options = CONF.oslo_messaging_rabbit
    except cfg.NoSuchOptError:
        return 0
    retries, waited = 0, 0.0
    while True:
        step = min(options.rabbit_retry_interval +
                   retries * options.rabbit_retry_backoff,
                   options.rabbit_interval_max)
        step += options.kombu_reconnect_delay
        if waited + step > seconds:
            return retries
        waited += step
        retries += 1


def get_client(topic, version, server=None, fanout=False):
    """A client whose casts and calls give up within ``rpc_cast_timeout``
    when the broker cannot be reached (the in-process transport never
    waits)."""
    target = messaging.Target(topic=topic, version=version, server=server,
                              fanout=fanout)
    client = messaging.get_rpc_client(init(), target,
                                      serializer=ContextSerializer())
    if in_process():
        return client
    return client.prepare(retry=retries_within(CONF.rpc_cast_timeout))


class BrokerState:
    """What this process knows of the broker, and the casts it keeps
    for when the broker is back."""

    def __init__(self):
        self._lock = threading.Lock()
        self._outbox = collections.deque()
        self._down_since = None
        self._prober = None
        # A daemon has no client to answer 503 to: it keeps every cast.
        self.keep_all = False

    @property
    def down(self):
        return self._down_since is not None

    def reset(self):
        with self._lock:
            self._outbox.clear()
            self._down_since = None
            self.keep_all = False

    def check(self):
        """Raise ``BrokerUnavailable`` at once while the broker is known
        to be down: for callers about to write what a cast must follow."""
        if self.down:
            raise exception.BrokerUnavailable()

    def went_down(self, err):
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
                LOG.error('The message broker cannot be reached (%s: %s); '
                          'requests that need it are refused, or kept to '
                          'be sent when it is back, until it answers again',
                          err.__class__.__name__, err)
            if self._prober is None or not self._prober.is_alive():
                self._prober = threading.Thread(
                    target=self._probe_until_up, daemon=True,
                    name='broker-probe')
                self._prober.start()

    def keep(self, client, context, method, kwargs):
        with self._lock:
            if len(self._outbox) >= OUTBOX_LIMIT:
                dropped = self._outbox.popleft()
                LOG.warning('Dropping the kept %s cast: %d are waiting for '
                            'the broker; the periodic tasks will ask for '
                            'it again', dropped[1], OUTBOX_LIMIT)
            self._outbox.append((client, context, method, kwargs))
        LOG.warning('The %s cast waits for the message broker to come back',
                    method)

    def _probe_until_up(self):
        probe = get_client(PROBE_TOPIC, '1.0').prepare(retry=0)
        context = ml_context.get_admin_context()
        while True:
            time.sleep(PROBE_INTERVAL)
            try:
                # Unrouted: the broker drops it, having taken it.
                probe.cast(context, 'ping')
            except DELIVERY_ERRORS:
                continue
            if self._send_kept():
                return

    def _send_kept(self):
        """Send what was kept, oldest first; True once all went."""
        while True:
            with self._lock:
                if not self._outbox:
                    down_for = time.monotonic() - (self._down_since or 0)
                    self._down_since = None
                    self._prober = None
                    break
                kept = self._outbox[0]
            client, context, method, kwargs = kept
            try:
                client.cast(context, method, **kwargs)
            except DELIVERY_ERRORS:
                return False
            with self._lock:
                if self._outbox and self._outbox[0] is kept:
                    self._outbox.popleft()
        LOG.warning('The message broker answers again after %.0f s; kept '
                    'requests were sent', down_for)
        return True


BROKER = BrokerState()


def cast(client, context, method, redriven=False, droppable=False,
         **kwargs):
    """Cast, never waiting on a lost broker longer than the client's
    retries allow. ``redriven`` casts are kept and sent later instead of
    failing; ``droppable`` ones (capability reports, repeated on a timer)
    are dropped; others raise ``BrokerUnavailable``."""
    if not BROKER.down:
        try:
            client.cast(context, method, **kwargs)
            return
        except DELIVERY_ERRORS as err:
            BROKER.went_down(err)
    if redriven or BROKER.keep_all:
        BROKER.keep(client, context, method, kwargs)
    elif not droppable:
        raise exception.BrokerUnavailable()


def _local_method(topic, method):
    for endpoint in _LOCAL_ENDPOINTS.get(topic, ()):
        found = getattr(endpoint, method, None)
        if found is not None:
            return found
    return None


def call(client, context, method, **kwargs):
    """A call that fails with ``BrokerUnavailable`` rather than wait on a
    broker known to be down, or longer than the client's retries.

    In the all-in-one, a call to a topic this process serves goes straight
    to its endpoint, through the same wire forms (the context as a dict,
    arguments and answer as JSON): oslo.messaging's in-process transport
    looks for replies only every 50 ms."""
    local = None
    if in_process() and not method.startswith('_'):
        local = _local_method(client.target.topic, method)
    if local is not None:
        answer = local(
            ml_context.RequestContext.from_dict(context.to_dict()),
            **jsonutils.loads(jsonutils.dumps(kwargs)))
        return jsonutils.loads(jsonutils.dumps(answer))
    BROKER.check()
    try:
        return client.call(context, method, **kwargs)
    except DELIVERY_ERRORS as err:
        BROKER.went_down(err)
        raise exception.BrokerUnavailable()


def get_server(topic, server, endpoints):
    if in_process():
        _LOCAL_ENDPOINTS.setdefault(topic, list(endpoints))
    target = messaging.Target(topic=topic, server=server)
    rpc_server = messaging.get_rpc_server(
        init(), target, endpoints, executor='threading',
        serializer=ContextSerializer(),
        access_policy=dispatcher.DefaultRPCAccessPolicy)
    # rpc_executor_pool_size becomes oslo.messaging's default pool size
    # (its own is 64 threads per server), registered by the server just
    # made and read as it starts; an operator's executor_thread_pool_size
    # still wins.
    messaging.opts.set_defaults(
        CONF, executor_thread_pool_size=CONF.rpc_executor_pool_size)
    return rpc_server


def notifier():
    """The notifier, made on first use: most processes never notify, and
    need no notification transport."""
    global _NOTIFIER
    if _NOTIFIER is None:
        _NOTIFIER = messaging.Notifier(
            messaging.get_notification_transport(CONF),
            publisher_id='manila-lite', serializer=ContextSerializer())
    return _NOTIFIER
