"""What every part of a share service works on: one backend.

A share service runs one ``ShareManager`` per enabled backend, made of
parts (shares, snapshots, access rules, servers...), each an object of
its own that gets the ``Backend`` and, explicitly, the other parts it
calls. The backend holds the driver, the RPC server name
``host@backend``, the availability zone, and the guard that keeps one
operation at a time per resource.
"""

import threading

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import importutils
import stevedore

from manila_lite import conf
from manila_lite.conf import backend as backend_conf
from manila_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)
DRIVER_NAMESPACE = 'manila_lite.share.drivers'


def load_driver_class(name):
    """A stevedore alias, or a dotted path as older configs carry."""
    try:
        return stevedore.DriverManager(DRIVER_NAMESPACE, name,
                                       invoke_on_load=False).driver
    except stevedore.exception.NoMatches:
        pass
    try:
        return importutils.import_class(name)
    except (ImportError, ValueError) as err:
        raise exception.InvalidDriverError(
            reason='%s is neither a driver alias in %s nor an importable '
                   'class: %s' % (name, DRIVER_NAMESPACE, err))


class OneAtATime:
    """Runs an operation on a resource unless it is under way here
    already: a request passed on again (by the stalled-request sweep, or
    redelivered) that meets the original steps aside."""

    def __init__(self):
        self._busy = set()      # (operation, resource id)
        self._lock = threading.Lock()

    def busy(self, operation, resource_id):
        return (operation, resource_id) in self._busy

    def run(self, operation, resource_id, func, *args):
        key = (operation, resource_id)
        with self._lock:
            if key in self._busy:
                LOG.info('The %s %s is under way already; ignoring the '
                         'repeated request', operation, resource_id)
                return
            self._busy.add(key)
        try:
            func(*args)
        finally:
            self._busy.discard(key)


class Backend:
    """One enabled backend: its configuration section, driver and name."""

    def __init__(self, backend_name):
        driver_class = load_driver_class(
            backend_conf.register_backend(CONF, backend_name).share_driver)
        driver_module = importutils.import_module(driver_class.__module__)
        self.config = backend_conf.register_backend(
            CONF, backend_name, getattr(driver_module, 'driver_opts', ()))
        self.name = backend_name
        self.host = '%s@%s' % (CONF.host, backend_name)
        self.availability_zone = (self.config.backend_availability_zone
                                  or CONF.storage_availability_zone)
        self.driver = driver_class(
            self.config.driver_handles_share_servers,
            configuration=self.config,
            backend_name=self.config.share_backend_name or backend_name)
        self.guard = OneAtATime()


class Part:
    """A part of a share service: RPC methods (those not starting with an
    underscore) and start-up recovery of one concern, on one backend."""

    target = messaging.Target(version='1.0')

    def __init__(self, backend):
        self.backend = backend
        self.host = backend.host

    @property
    def driver(self):
        return self.backend.driver

    def recover(self, context):
        """Resume at start-up what a previous run left under way."""
