"""Share manager: applying a share instance's access rules on its backend.

The API queues rule changes in the database and casts ``update_access``;
this moves what is queued to its working state (queued_to_apply ->
applying, queued_to_deny -> denying, queued_to_update -> updating), calls
the driver's ``update_access`` and records the outcome, until nothing is
queued for the instance any more.

The driver is called as the driver interface describes:

* changes only: ``access_rules`` holds every rule that should be on the
  share (active, applying), ``add_rules`` the applying ones and
  ``delete_rules`` the denying ones;
* recovery: ``access_rules`` holds every rule and both lists are empty;
  the backend drops what it has and applies exactly those. Used when the
  instance's access_rules_status is ``error`` (the backend's state is
  unknown), when an access level changed (2.88), after a restart with
  work under way, and when ensuring shares asks for the rules again
  (``reapply_access_rules``).

The driver may return ``{access_id: access_key}`` or ``{access_id:
{'access_key': ..., 'state': 'error'}}`` for rules it could not apply
alone. If it raises, the rules it was given to change go to ``error``,
the instance's access_rules_status too, and the owner gets a user
message ('update access rules').

``reapply_access_rules`` works a batch (``share_batch_size``) at a time:
one transaction starts the whole batch, a fixed number of queries read
its instances, shares and rules, the driver is called once per instance
with no transaction open, and one transaction records every outcome.
The database work per batch does not grow with the number of shares.
"""

import contextlib
import threading
import zlib

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# What the instance lock protects: the order of update_access calls on
# one share of the backend against the rules each was built from. Two
# calls built from different reads of the rules must not overlap or
# cross, or a recovery call made from an older read could remove a rule
# a newer call has just applied (and the database calls active). One
# lock is held at a time, only around one instance's read-call-record
# (the per-instance path) or one instance's driver call (the batch), and
# never with a database transaction open. Locks are striped: bounded
# memory, and the process is the only one serving its backend.
_STRIPES = 64
_LOCKS = [threading.Lock() for _ in range(_STRIPES)]
# Bumped, under its lock, whenever work on an instance of the stripe
# ends. A batch read its rules before any of its driver calls; if the
# stripe was bumped since by someone else, that read may be stale, and
# the batch resyncs those instances one by one instead.
_GENERATIONS = [0] * _STRIPES

_WORKING = (states.ACCESS_APPLYING, states.ACCESS_DENYING,
            states.ACCESS_UPDATING)
# Rules the backend should hold once the call succeeds.
_ON_SHARE = (states.ACCESS_ACTIVE, states.ACCESS_APPLYING,
             states.ACCESS_UPDATING)
# Instance statuses in which the share is not (or no longer) on the
# backend: rules are left alone, they go with the share (deleting* too).
_SKIPPED = (states.CREATING, states.DELETING, states.MANAGE_STARTING,
            states.UNMANAGE_STARTING, states.MANAGE_ERROR_UNMANAGE_STARTING)


def _stripe(instance_id):
    return zlib.crc32(instance_id.encode()) % _STRIPES


@contextlib.contextmanager
def _locked(instance_id):
    """Hold the instance's lock; yields its stripe, bumped on the way
    out."""
    stripe = _stripe(instance_id)
    with _LOCKS[stripe]:
        try:
            yield stripe
        finally:
            _GENERATIONS[stripe] += 1


def _skipped(status):
    return status in _SKIPPED or status.startswith('deleting')


def _results(result):
    """({access_id: key}, {access ids the driver says failed})."""
    keys, failed = {}, set()
    for access_id, value in (result or {}).items():
        if isinstance(value, dict):
            if value.get('access_key'):
                keys[access_id] = value['access_key']
            if value.get('state') == states.ACCESS_ERROR:
                failed.add(access_id)
        elif value:
            keys[access_id] = value
    return keys, failed


class AccessRules(backend.Part):
    """update_access and reapply_access_rules RPC methods."""

    def update_access(self, context, share_instance_id):
        """RPC: apply the instance's queued rule changes."""
        self._sync_access(context, share_instance_id, resync=False)

    def reapply_access_rules(self, context, share_instance_ids):
        """Resync every rule of each instance (recovery mode), e.g. after
        ensure_shares reported the backend lost them; a batch at a
        time."""
        ids = list(dict.fromkeys(share_instance_ids))
        size = CONF.share_batch_size
        for start in range(0, len(ids), size):
            try:
                self._reapply_batch(context, ids[start:start + size])
            except Exception:
                LOG.exception('Reapplying the access rules of %d share '
                              'instances failed',
                              len(ids[start:start + size]))

    def recover(self, context):
        """At start-up: instances whose rules a previous run left queued
        or under way are resynced (what the driver did is unknown)."""
        ids = access_db.instances_to_resync(context, self.host)
        if ids:
            LOG.info('Resyncing the access rules of %d share instances '
                     'after restart', len(ids))
            self.reapply_access_rules(context, ids)

    # -- a batch -------------------------------------------------------------

    def _reapply_batch(self, context, instance_ids):
        # Taken before anything is read: any work on a stripe that ends
        # after this is seen by the check below.
        seen = list(_GENERATIONS)
        started = access_db.start_sync(context, instance_ids, _SKIPPED)
        if not started:
            return
        instances, rules, servers = access_db.load_for_sync(context,
                                                            started)
        outcomes = []
        for instance in instances:
            if _skipped(instance.status):
                continue
            try:
                with _locked(instance.id) as stripe:
                    if seen[stripe] != _GENERATIONS[stripe]:
                        # Someone worked on this stripe since our read.
                        seen[stripe] = None
                        self._sync_locked(context, instance.id, True)
                        continue
                    outcomes.append(self._driver_sync(
                        context, instance, rules[instance.id],
                        servers.get(instance.share_server_id), full=True))
            except Exception:
                LOG.exception('Reapplying the access rules of share '
                              'instance %s failed', instance.id)
                continue
            if seen[stripe] is not None:
                seen[stripe] += 1  # the bump on our way out was ours
        pending = access_db.record_sync(context, outcomes)
        LOG.info('Access rules of %d share instances reapplied, %d failed',
                 sum(1 for o in outcomes if o['ok']),
                 sum(1 for o in outcomes if not o['ok']))
        for instance_id in pending:
            # Rules were queued during the driver calls: on with them now.
            try:
                self._sync_access(context, instance_id, resync=False)
            except Exception:
                LOG.exception('Applying the access rules queued on share '
                              'instance %s failed', instance_id)

    # -- one instance --------------------------------------------------------

    def _sync_access(self, context, instance_id, resync):
        with _locked(instance_id):
            self._sync_locked(context, instance_id, resync)

    def _sync_locked(self, context, instance_id, resync):
        """Until nothing is queued for the instance; its lock is held."""
        while True:
            started = access_db.start_sync(context, [instance_id], _SKIPPED,
                                           resync=resync)
            if not started:
                LOG.info('Share instance %s is gone or not on its backend '
                         '(creating, deleting, managing); its access rules '
                         'are left as they are', instance_id)
                return
            instances, rules, servers = access_db.load_for_sync(
                context, [instance_id])
            if not instances:
                return
            instance, entries = instances[0], rules[instance_id]
            was_error = started[instance_id] == states.ACCESS_ERROR
            working = [r for _, r in entries if r['state'] in _WORKING]
            if not (working or resync or was_error):
                if instance_id not in access_db.record_sync(
                        context, [{'instance_id': instance_id, 'ok': True}]):
                    return
                continue
            full = resync or was_error or any(
                r['state'] == states.ACCESS_UPDATING for _, r in entries)
            outcome = self._driver_sync(
                context, instance, entries,
                servers.get(instance.share_server_id), full)
            pending = access_db.record_sync(context, [outcome])
            if not outcome['ok'] or instance_id not in pending:
                return
            resync = False

    # -- the driver call (no transaction open) -------------------------------

    def _driver_sync(self, context, instance, entries, server, full):
        """Call the driver for one instance; its outcome for record_sync.

        ``entries`` are (mapping id, rule dict) pairs as load_for_sync
        read them.
        """
        share = instance.share
        rules = [rule for _, rule in entries]
        on_share = [r for r in rules if r['state'] in _ON_SHARE]
        add = [] if full else [r for r in rules
                               if r['state'] == states.ACCESS_APPLYING]
        delete = [] if full else [r for r in rules
                                  if r['state'] == states.ACCESS_DENYING]
        outcome = {'instance_id': instance.id, 'ok': True}
        try:
            result = self.driver.update_access(
                context, driver_data.share_dict(instance, share), on_share,
                add, delete, share_server=driver_data.server_dict(server)
                if server is not None else None)
        except Exception as err:
            LOG.error('Driver failed to update the access rules of share '
                      'instance %s (%s): %s', instance.id,
                      'recovery' if full else 'changes', err)
            detail = (messages.UNSUPPORTED_CLIENT_ACCESS
                      if isinstance(err, exception.InvalidShareAccess)
                      else messages.UNKNOWN_ERROR)
            outcome.update(
                ok=False,
                error=[m for m, r in entries if r['state'] in _WORKING],
                message=(share.project_id, share.id,
                         messages.ACTION_UPDATE_ACCESS_RULES, detail))
            return outcome
        keys, failed = _results(result)
        outcome.update(
            keys=keys,
            active=[m for m, r in entries
                    if r['state'] in (states.ACCESS_APPLYING,
                                      states.ACCESS_UPDATING)
                    and r['id'] not in failed],
            denied=[m for m, r in entries
                    if r['state'] == states.ACCESS_DENYING
                    and r['id'] not in failed],
            error=[m for m, r in entries if r['id'] in failed])
        if failed:
            outcome['message'] = (share.project_id, share.id,
                                  messages.ACTION_UPDATE_ACCESS_RULES,
                                  messages.UNSUPPORTED_CLIENT_ACCESS)
        LOG.debug('Access rules of share instance %s updated (%s): %d '
                  'applied, %d removed, %d refused', instance.id,
                  'recovery' if full else 'changes', len(outcome['active']),
                  len(outcome['denied']), len(failed))
        return outcome
