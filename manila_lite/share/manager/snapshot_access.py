"""Share manager: applying a mountable snapshot's access rules (2.32+).

The API queues rule changes on the snapshot instance and casts
``snapshot_update_access``; this moves what is queued to its working
state (queued_to_apply -> applying, queued_to_deny -> denying), calls
the driver's ``snapshot_update_access`` and records the
outcome (db/snapshot_access.py), until nothing is queued any more.

The driver is called as for share rules: ``access_rules`` holds every
rule that should be on the snapshot (active, applying), ``add_rules`` the
applying ones, ``delete_rules`` the denying ones; in recovery (after a
restart with work under way) both lists are empty and the backend keeps
exactly ``access_rules``. If the driver raises, the rules it was given to
change go to ``error``; a rule in error stays until it is denied.
"""

import threading
import zlib

from oslo_log import log as logging

from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)

# One driver call at a time per snapshot instance, so that calls built
# from different reads of its rules cannot cross. Striped: bounded
# memory; this process is the only one serving its backend.
_LOCKS = [threading.Lock() for _ in range(16)]
# Rules the backend should hold once the call succeeds.
_ON_SNAPSHOT = (states.ACCESS_ACTIVE, states.ACCESS_APPLYING)


def _lock(instance_id):
    return _LOCKS[zlib.crc32(instance_id.encode()) % len(_LOCKS)]


class SnapshotAccessRules(backend.Part):
    """snapshot_update_access RPC method; the share server of the
    snapshot's share comes from ``servers``."""

    def __init__(self, backend, servers):
        super().__init__(backend)
        self.servers = servers

    def snapshot_update_access(self, context, snapshot_instance_id):
        """RPC: apply the snapshot instance's queued rule changes."""
        with _lock(snapshot_instance_id):
            while self._apply_snapshot_rules(context, snapshot_instance_id,
                                             recovery=False):
                pass

    def recover(self, context):
        """At start-up: snapshot instances whose rules a previous run left
        queued or under way are resynced (what the driver did is
        unknown)."""
        for instance_id in snapshot_access_db.instances_to_resync(
                context, self.host):
            LOG.info('Resyncing the access rules of snapshot instance %s '
                     'after restart', instance_id)
            with _lock(instance_id):
                recovery = True
                while self._apply_snapshot_rules(context, instance_id,
                                                 recovery):
                    recovery = False

    def _snapshot_target(self, context, instance_id):
        """(snapshot, driver dict, share server dict), or Nones when the
        snapshot is gone."""
        try:
            instance = snapshot_db.instance_get(context, instance_id)
        except exception.ShareSnapshotInstanceNotFound:
            return None, None, None
        snapshot, snap = driver_data.load_snapshot(context,
                                                   instance.snapshot_id)
        if snapshot is None:
            return None, None, None
        share_instance = share_db.instance_get(context,
                                               instance.share_instance_id)
        return snapshot, snap, self.servers.share_server_of(context,
                                                            share_instance)

    def _apply_snapshot_rules(self, context, instance_id, recovery):
        """One driver call for what is queued; True when more was queued
        meanwhile (the caller goes on)."""
        snapshot, snap, server = self._snapshot_target(context, instance_id)
        if snapshot is None:
            return False
        rules = snapshot_access_db.start(context, instance_id)
        adding = [r for r in rules if r['state'] == states.ACCESS_APPLYING]
        denying = [r for r in rules if r['state'] == states.ACCESS_DENYING]
        if not (adding or denying or recovery):
            return False
        on_snapshot = [r for r in rules if r['state'] in _ON_SNAPSHOT]
        try:
            self.driver.snapshot_update_access(
                context, snap, on_snapshot,
                [] if recovery else adding, [] if recovery else denying,
                share_server=server)
        except Exception as err:
            LOG.error('Driver failed to update the access rules of '
                      'snapshot %s (instance %s): %s', snapshot.id,
                      instance_id, err)
            snapshot_access_db.record(
                context, instance_id,
                failed=[r['id'] for r in adding + denying])
            return False
        LOG.debug('Access rules of snapshot instance %s updated: %d '
                  'applied, %d removed', instance_id, len(adding),
                  len(denying))
        return snapshot_access_db.record(
            context, instance_id, applied=[r['id'] for r in adding],
            denied=[r['id'] for r in denying])

    def remove_rules(self, context, snap):
        """Before a snapshot is deleted: take its rules off the backend
        (a driver error is the deletion's)."""
        rules = snapshot_access_db.rules_for_driver(context, snap['id'])
        if rules:
            self.driver.snapshot_update_access(context, snap, [], [], rules)
