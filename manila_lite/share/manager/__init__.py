"""The share manager: drives one backend's driver and records the results.

One manager per enabled backend, each its own RPC server ``host@backend``.
It is made of parts, one per concern, each an RPC endpoint of that server
over the same ``Backend`` (``backend.py``); a part that needs another gets
it when it is made, so the wiring below says what depends on what. Every
status change goes through the database layer's conditional transitions
so a restart can pick up exactly where the last run stopped.
"""

from oslo_utils import timeutils

from manila_lite import conf
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share.manager import access
from manila_lite.share.manager import backend as backend_mod
from manila_lite.share.manager import deferred_deletion
from manila_lite.share.manager import ensure
from manila_lite.share.manager import groups
from manila_lite.share.manager import manage
from manila_lite.share.manager import redrive
from manila_lite.share.manager import resize
from manila_lite.share.manager import servers
from manila_lite.share.manager import shares
from manila_lite.share.manager import snapshot_access
from manila_lite.share.manager import snapshots

CONF = conf.CONF


class Capabilities(backend_mod.Part):
    """Reports the backend's pools to the schedulers."""

    def __init__(self, backend):
        super().__init__(backend)
        self.scheduler_rpc = scheduler_rpcapi.SchedulerAPI()

    def publish_capabilities(self, context):
        """RPC (fanout from a starting scheduler), and periodic."""
        stats = self.driver.get_share_stats(refresh=True)
        self.scheduler_rpc.update_service_capabilities(
            context, self.host, stats, self.backend.availability_zone,
            timeutils.utcnow().isoformat())


class ShareManager:
    """The share service of one backend, assembled from its parts."""

    def __init__(self, backend_name):
        self.backend = backend_mod.Backend(backend_name)
        self.host = self.backend.host
        self.availability_zone = self.backend.availability_zone
        self.periodic_interval = CONF.periodic_interval
        self.capabilities = Capabilities(self.backend)
        self.servers = servers.ShareServers(self.backend)
        self.access = access.AccessRules(self.backend)
        self.snapshot_access = snapshot_access.SnapshotAccessRules(
            self.backend, self.servers)
        self.snapshots = snapshots.Snapshots(
            self.backend, self.snapshot_access)
        self.shares = shares.Shares(self.backend, self.servers)
        self.resize = resize.Resize(self.backend)
        self.manage = manage.Manage(self.backend)
        self.ensure = ensure.Ensure(self.backend, self.access)
        self.deferred = deferred_deletion.DeferredDeletion(
            self.backend, self.servers)
        self.redrive = redrive.StalledRequests(self.backend)
        self.groups = groups.ShareGroups(self.backend)
        # Resumed at start-up in this order: shares before what is done
        # to them, servers after what may still need them.
        self._parts = [self.shares, self.snapshots, self.resize,
                       self.manage, self.access, self.snapshot_access,
                       self.servers, self.groups]

    @property
    def driver(self):
        return self.backend.driver

    @driver.setter
    def driver(self, driver):
        """Every part works with the new driver (tests swap it)."""
        self.backend.driver = driver

    def rpc_endpoints(self):
        """The objects whose methods this backend's RPC server serves."""
        return [self.capabilities, self.shares, self.snapshots, self.access,
                self.snapshot_access, self.resize, self.manage,
                self.servers, self.ensure, self.groups]

    # -- start-up -----------------------------------------------------------

    def init_host(self, context):
        self.driver.do_setup(context)
        self.driver.check_for_setup_error()
        self.recover(context)
        self.ensure.recover(context)

    def recover(self, context):
        """Resume what a previous run of this backend left under way."""
        for part in self._parts:
            part.recover(context)

    def after_start(self, context):
        self.capabilities.publish_capabilities(context)
        self.ensure.ensure_at_startup(context)

    # -- periodic work ------------------------------------------------------

    def extra_periodic_tasks(self):
        """(name, interval, function) of tasks with their own interval."""
        return self.deferred.tasks()

    def run_periodic_tasks(self, context):
        self.capabilities.publish_capabilities(context)
        self.servers.cleanup_unused_share_servers(context)
        self.redrive.redrive_stalled_requests(context)
