"""Running a manager: RPC server, heartbeat and periodic tasks on threads.

No eventlet: oslo.messaging's threading executor serves RPC and plain
daemon threads keep the heartbeat and periodic tasks going.
"""

import threading

from oslo_log import log as logging

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import services as service_db
from manila_lite import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class Service:
    """One registered service: ``binary`` on ``host``, serving ``topic``."""

    def __init__(self, host, binary, topic, manager):
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.service_id = None
        self._stop = threading.Event()
        self._threads = []
        self._rpc_server = None

    def start(self):
        rpc.BROKER.keep_all = True
        ctx = ml_context.get_admin_context()
        self.service_id = service_db.register(
            ctx, self.host, self.binary, self.topic,
            self.manager.availability_zone)
        self.manager.init_host(ctx)
        endpoints = getattr(self.manager, 'rpc_endpoints', None)
        self._rpc_server = rpc.get_server(
            self.topic, self.host,
            endpoints() if endpoints else [self.manager])
        self._rpc_server.start()
        self._loop(CONF.report_interval, self._heartbeat, 'heartbeat')
        interval = getattr(self.manager, 'periodic_interval',
                           CONF.periodic_interval)
        self._loop(interval, self.manager.run_periodic_tasks, 'periodic')
        extra = getattr(self.manager, 'extra_periodic_tasks', list)
        for name, task_interval, task in extra():
            self._loop(task_interval, task, name)
        self.manager.after_start(ctx)
        LOG.info('%s started on %s (topic %s)', self.binary, self.host,
                 self.topic)

    def _loop(self, interval, func, name):
        def run():
            ctx = ml_context.get_admin_context()
            while not self._stop.wait(interval):
                try:
                    func(ctx)
                except Exception:
                    LOG.exception('%s task of %s failed', name, self.host)
        thread = threading.Thread(target=run, daemon=True,
                                  name='%s-%s' % (name, self.host))
        thread.start()
        self._threads.append(thread)

    def _heartbeat(self, ctx):
        service_db.heartbeat(ctx, self.service_id)

    def stop(self):
        self._stop.set()
        if self._rpc_server is not None:
            self._rpc_server.stop()
            self._rpc_server.wait()
        LOG.info('%s on %s stopped', self.binary, self.host)
