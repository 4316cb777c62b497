"""Deferred deletion: the API frees the quota, this sweep frees the storage.

With ``deferred_deletion`` on, a delete request moves a share or snapshot
to ``deleting_in_driver`` and gives its quota back at once (see
share/api/deferred.py). Every ``periodic_deferred_delete_interval``
seconds the share manager of each backend sweeps the instances of its own
host@backend: snapshots first, then shares, in batches of
``share_batch_size``. A driver failure moves the instance to
``deleting_in_driver_error``; those are tried again once
``deferred_delete_retry_delay`` seconds have passed since the last
attempt. A share whose snapshots could not be deleted waits in
``deleting_in_driver_error`` too, with a user message, rather than
leaving an orphaned snapshot on the backend.

A killed sweep loses nothing: rows leave ``deleting_in_driver`` only
after the driver has answered, and drivers treat deleting what is gone
as success, so the next sweep simply repeats the unfinished part.
"""

import time

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import deferred_deletion as deferred_db
from manila_lite import messages
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
DID_ERROR = states.DELETING_IN_DRIVER_ERROR


class DeferredDeletion(backend.Part):
    """The periodic sweep; share servers of the shares it deletes come
    from ``servers``."""

    def __init__(self, backend, servers):
        super().__init__(backend)
        self.servers = servers

    def tasks(self):
        """(name, interval, function) for the service's periodic loops."""
        return [('deferred-deletion', CONF.periodic_deferred_delete_interval,
                 self.delete_deferred)]

    def delete_deferred(self, context):
        """Sweep this backend once; returns what was done, for callers
        that measure it (tests, benchmarks)."""
        started = time.monotonic()
        result = {'snapshots_deleted': 0, 'snapshots_failed': 0,
                  'shares_deleted': 0, 'shares_failed': 0}
        for batch in self._due_batches(deferred_db.due_snapshot_instances,
                                       context, key=lambda row: row[0].id):
            deleted, failed = self._delete_snapshot_batch(context, batch)
            result['snapshots_deleted'] += deleted
            result['snapshots_failed'] += failed
        for batch in self._due_batches(deferred_db.due_share_instances,
                                       context, key=lambda row: row.id):
            deleted, failed = self._delete_share_batch(context, batch)
            result['shares_deleted'] += deleted
            result['shares_failed'] += failed
        if any(result.values()):
            LOG.info('Deferred deletion on %s in %.1fs: %s', self.host,
                     time.monotonic() - started, result)
        return result

    def _due_batches(self, query, context, key):
        """Keyset pagination: each batch starts after the last id seen,
        so rows left behind (failed, skipped) are not read again."""
        after = None
        while True:
            batch = query(context, self.host,
                          CONF.deferred_delete_retry_delay, after,
                          CONF.share_batch_size)
            if not batch:
                return
            after = key(batch[-1])
            yield batch

    def _delete_snapshot_batch(self, context, rows):
        claimed = deferred_db.claim(
            context, deferred_db.SnapshotInstance,
            [snap.id for snap, _ in rows if snap.status == DID_ERROR])
        deleted, failed, owners = [], {}, {}
        for snap_instance, share_instance in rows:
            if (snap_instance.status == DID_ERROR
                    and snap_instance.id not in claimed):
                continue
            snapshot = snap_instance.snapshot
            # The instance loaded with the row; snapshot_dict reads it
            # through the (detached) snapshot, which did not load it back.
            snapshot.instance = snap_instance
            snap = driver_data.snapshot_dict(
                snapshot, share_instance,
                driver_data.share_dict(share_instance, share_instance.share))
            snap['status'] = states.DELETING_IN_DRIVER
            try:
                self.driver.delete_snapshot(context, snap)
            except Exception as err:
                LOG.error('Deferred deletion of snapshot %s failed: %s',
                          snapshot.id, err)
                _record_failure(failed, owners, snap_instance.id, snapshot,
                                messages.DEFERRED_DELETE_FAILED)
                continue
            deleted.append(snap_instance.id)
        removed, marked = deferred_db.record_snapshot_batch(
            context, deleted, failed, owners)
        return removed, marked

    def _server_of(self, context, instance):
        """The share server of a DHSS backend's share, if any."""
        if not (self.driver.driver_handles_share_servers
                and instance.share_server_id):
            return None
        return self.servers.share_server_of(context, instance)

    def _delete_share_batch(self, context, instances):
        claimed = deferred_db.claim(
            context, deferred_db.ShareInstance,
            [i.id for i in instances if i.status == DID_ERROR])
        snapshots = deferred_db.snapshot_statuses(
            context, [i.share_id for i in instances])
        deleted, failed, owners = [], {}, {}
        for instance in instances:
            if instance.status == DID_ERROR and instance.id not in claimed:
                continue
            share = instance.share
            left = snapshots.get(share.id)
            if left:
                if DID_ERROR in left:
                    # Deleting the share would orphan these snapshots.
                    _record_failure(failed, owners, instance.id, share,
                                    messages.DEFERRED_DELETE_SNAPSHOTS_LEFT)
                # Else a snapshot is still queued: next sweep.
                continue
            share_dict = driver_data.share_dict(instance, share)
            share_dict['status'] = states.DELETING_IN_DRIVER
            try:
                self.driver.delete_share(
                    context, share_dict,
                    share_server=self._server_of(context, instance))
            except Exception as err:
                LOG.error('Deferred deletion of share %s failed: %s',
                          share.id, err)
                _record_failure(failed, owners, instance.id, share,
                                messages.DEFERRED_DELETE_FAILED)
                continue
            deleted.append(instance.id)
        return deferred_db.record_share_batch(context, deleted, failed,
                                              owners)


def _record_failure(failed, owners, instance_id, resource, detail_id):
    """Note a failed instance and whom the user message goes to."""
    failed[instance_id] = (messages.ACTION_DELETE, detail_id)
    owners[instance_id] = (resource.project_id, resource.id)
