"""oslo.messaging plumbing: one transport per process, context on the wire.

RabbitMQ (``transport_url = rabbit://...``) in a split deployment; the
all-in-one process uses oslo.messaging's in-process ``fake://`` transport.
"""

import oslo_messaging as messaging
import oslo_messaging.opts  # noqa: F401  (list_opts for defaults)
from oslo_messaging.rpc import dispatcher

from manila_lite import conf
from manila_lite import context as ml_context

CONF = conf.CONF
_TRANSPORT = None
_NOTIFIER = None


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
    global _TRANSPORT
    if _TRANSPORT is None:
        _TRANSPORT = messaging.get_rpc_transport(CONF)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT, _NOTIFIER
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
    _TRANSPORT = _NOTIFIER = None


def get_client(topic, version, server=None, fanout=False):
    target = messaging.Target(topic=topic, version=version, server=server,
                              fanout=fanout)
    return messaging.get_rpc_client(init(), target,
                                    serializer=ContextSerializer())


def get_server(topic, server, endpoints):
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
