"""Ensure shares: re-check every share of a backend against its driver.

Runs when an administrator asks (``POST /services/ensure-shares``, 2.86)
and when the share manager starts, unless the driver's backend info is
the same as after the last complete run. The service's ``ensuring`` flag
is up for the whole run. Shares are handed to the driver's bulk
``ensure_shares`` a batch at a time (``share_batch_size``; per-share
``ensure_share`` for drivers without it); with
``update_shares_status_on_ensure`` each batch is ``ensuring`` only while
its driver call lasts, not for the whole run. What the driver returns is
applied per batch in one transaction: changed export locations, an
``error`` status for shares it no longer finds, and access rules to
apply again. A notification marks the start and the end of every run.

A share manager killed during a run leaves nothing behind once it is
started again: ``Ensure.recover`` puts its shares back to ``available``
and clears the flag, and the run is repeated (the backend info hash is
only kept after a complete run).
"""

import hashlib
import json
import threading
import time

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import ensure as ensure_db
from manila_lite import rpc
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
EVENT_START = 'share.service.ensure_shares.start'
EVENT_END = 'share.service.ensure_shares.end'
# Statuses a driver may report for a share it ensured.
_DRIVER_STATUSES = (states.AVAILABLE, states.ERROR)


def _locations_differ(current, new):
    def key(locations):
        return sorted((loc['path'], bool(loc.get('is_admin_only')),
                       bool(loc.get('preferred'))) for loc in locations)
    return key({'path': loc.path, 'is_admin_only': loc.is_admin_only,
                'preferred': loc.preferred} for loc in current) != key(new)


class Ensure(backend.Part):
    """ensure_shares RPC method, and the runs at start-up; rules the
    driver asks for again are applied by ``access``."""

    def __init__(self, backend, access):
        super().__init__(backend)
        self.access = access
        # Until the driver says it has no bulk ensure_shares.
        self._bulk_ensure = True

    # -- start-up -----------------------------------------------------------

    def recover(self, context):
        moved = ensure_db.recover(context, self.host)
        if moved:
            LOG.warning('%d shares of %s were left ensuring by an '
                        'interrupted run; they are available again',
                        moved, self.host)

    def ensure_at_startup(self, context):
        """Run the start-up ensure on a thread of its own, so the share
        service serves requests meanwhile."""
        thread = threading.Thread(target=self._ensure_at_startup,
                                  args=(context,), daemon=True,
                                  name='ensure-%s' % self.host)
        thread.start()
        return thread

    def _ensure_at_startup(self, context):
        try:
            info_hash = self._backend_info_hash(context)
            if info_hash is not None and info_hash == \
                    ensure_db.backend_info_hash(context, self.host):
                LOG.info('Backend info of %s unchanged since the last '
                         'ensure run; not ensuring shares', self.host)
                return
            if not ensure_db.start(context, self.host):
                LOG.info('An ensure run of %s is already under way',
                         self.host)
                return
            self._run_ensure(context, 'startup', info_hash)
        except Exception:
            LOG.exception('Ensuring shares of %s at start-up failed',
                          self.host)

    def _backend_info_hash(self, context):
        """sha256 of the driver's backend info; None if it has none."""
        try:
            info = self.driver.get_backend_info(context)
        except NotImplementedError:
            return None
        except Exception:
            LOG.exception('Driver of %s failed to report its backend info',
                          self.host)
            return None
        if not info:
            return None
        return hashlib.sha256(json.dumps(info, sort_keys=True,
                                         default=str).encode()).hexdigest()

    # -- RPC ----------------------------------------------------------------

    def ensure_shares(self, context):
        """Cast by the API, which has already set the ensuring flag."""
        return self._run_ensure(context, 'api',
                                self._backend_info_hash(context))

    # -- the run ------------------------------------------------------------

    def _run_ensure(self, context, trigger, info_hash):
        update_status = CONF.update_shares_status_on_ensure
        summary = {'host': self.host, 'trigger': trigger,
                   'update_shares_status': update_status,
                   'shares_ensured': 0, 'export_locations_updated': 0,
                   'shares_error': 0, 'shares_failed': 0,
                   'access_rules_reapplied': 0, 'reapply_seconds': 0.0,
                   'completed': False}
        started = time.monotonic()
        self._notify(context, EVENT_START, dict(summary))
        try:
            after = None
            while True:
                ids = ensure_db.next_batch_ids(context, self.host, after,
                                               CONF.share_batch_size)
                if not ids:
                    break
                after = ids[-1]
                self._ensure_batch(context, ids, update_status, summary)
            summary['completed'] = True
        finally:
            if not summary['completed']:
                # Failed midway: leave no batch ensuring.
                ensure_db.recover(context, self.host)
            ensure_db.finish(context, self.host,
                             info_hash if summary['completed'] else None)
            summary['duration_seconds'] = round(
                time.monotonic() - started, 3)
            self._notify(context, EVENT_END, dict(summary))
            LOG.info('Ensure run of %s (%s) ended: %s', self.host, trigger,
                     summary)
        return summary

    def _ensure_batch(self, context, ids, update_status, summary):
        status = states.AVAILABLE
        if update_status:
            ensure_db.mark_ensuring(context, ids)
            status = states.ENSURING
        instances = ensure_db.load(context, ids, status)
        results = {}
        try:
            results = self._driver_ensure(context, [
                driver_data.share_dict(i, i.share) for i in instances])
        except Exception as err:
            LOG.error('Driver failed to ensure %d shares of %s: %s',
                      len(instances), self.host, err)
            summary['shares_failed'] += len(instances)
        locations, statuses, reapply = {}, {}, []
        for instance in instances:
            result = results.get(instance.id)
            statuses[instance.id] = states.AVAILABLE
            if result is None:
                continue
            summary['shares_ensured'] += 1
            new = result.get('export_locations')
            if new is not None:
                new = driver_data.normalize_export_locations(new)
                if _locations_differ(instance.export_locations, new):
                    locations[instance.id] = new
            if result.get('status') in _DRIVER_STATUSES:
                statuses[instance.id] = result['status']
            if statuses[instance.id] == states.ERROR:
                summary['shares_error'] += 1
            if result.get('reapply_access_rules'):
                reapply.append(instance.id)
        summary['export_locations_updated'] += ensure_db.record_batch(
            context, locations, statuses, status)
        if reapply:
            started = time.monotonic()
            summary['access_rules_reapplied'] += self._reapply_rules(
                context, reapply)
            summary['reapply_seconds'] = round(
                summary['reapply_seconds'] + time.monotonic() - started, 3)

    def _driver_ensure(self, context, shares):
        """{instance id: result} from the bulk call, or per share."""
        if self._bulk_ensure:
            try:
                return self.driver.ensure_shares(context, shares) or {}
            except NotImplementedError:
                LOG.info('Driver of %s has no bulk ensure_shares; ensuring '
                         'share by share', self.host)
                self._bulk_ensure = False
        results = {}
        for share in shares:
            try:
                locations = self.driver.ensure_share(context, share)
            except Exception as err:
                LOG.error('Driver failed to ensure share instance %s: %s',
                          share['id'], err)
                continue
            results[share['id']] = {'export_locations': locations}
        return results

    def _reapply_rules(self, context, instance_ids):
        try:
            self.access.reapply_access_rules(context, instance_ids)
        except Exception:
            LOG.exception('Reapplying access rules of %d shares of %s '
                          'failed', len(instance_ids), self.host)
            return 0
        return len(instance_ids)

    def _notify(self, context, event_type, payload):
        """Notifications never stop the run they describe."""
        try:
            rpc.notifier().prepare(
                publisher_id='share.%s' % self.host).info(
                    context, event_type, payload)
        except Exception:
            LOG.exception('Could not send the %s notification', event_type)
