"""The scheduler: picks host@backend#pool for each new share instance."""

import datetime
import time

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import timeutils

from manila_lite import conf
from manila_lite.db import quotas
from manila_lite.db import services as service_db
from manila_lite.db import share_groups as group_db
from manila_lite.db import share_manage as manage_db
from manila_lite.db import share_resize as resize_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.scheduler import host_manager
from manila_lite.share.api import recycle_bin
from manila_lite.share.api import shares as share_api
from manila_lite.share.api import specs as specs_api
from manila_lite.share.api import transfers as transfer_api
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
SHARE_BINARY = 'manila-share'


class SchedulerManager:
    target = messaging.Target(version='1.0')

    def __init__(self):
        self.host_manager = host_manager.HostManager()
        self.share_rpc = share_rpcapi.ShareAPI()
        self.availability_zone = CONF.storage_availability_zone
        self.periodic_interval = min(CONF.report_interval,
                                     CONF.periodic_interval)
        self._started_at = None
        self._usable_backends = set()
        self._orphans_pending = False
        self._share_api_instance = None

    def init_host(self, context):
        self._started_at = time.monotonic()
        self._refresh_service_states(context)

    def after_start(self, context):
        # Pools are unknown until the share services report them: ask them
        # now; the periodic task reschedules orphans once they have.
        self.share_rpc.request_capabilities(context)
        self._orphans_pending = True

    def run_periodic_tasks(self, context):
        self._refresh_service_states(context)
        self._expire_reservations(context)
        self._purge_recycle_bin(context)
        self._expire_transfers(context)
        if self._warming_up():
            return
        if self._orphans_pending:
            self._orphans_pending = False
            self._reschedule_orphans(context)
        elif CONF.stalled_request_timeout:
            self._reschedule_orphans(context, stalled=True)

    def _expire_reservations(self, context):
        """Give back quota held by operations that never finished."""
        expired = quotas.expire_reservations(context)
        if expired:
            LOG.info('Rolled back %d expired quota reservations', expired)

    def _purge_recycle_bin(self, context):
        """Delete shares whose time in the recycle bin (2.69) is over."""
        try:
            recycle_bin.purge_expired(context, self._share_api())
        except Exception:  # the next run tries again
            LOG.exception('Purging the recycle bin failed')

    def _expire_transfers(self, context):
        """Delete share transfers nobody accepted in time (2.77)."""
        try:
            transfer_api.expire(context)
        except Exception:  # the next run tries again
            LOG.exception('Expiring share transfers failed')

    def _share_api(self):
        if self._share_api_instance is None:
            self._share_api_instance = share_api.API()
        return self._share_api_instance

    def _refresh_service_states(self, context):
        service_states = {
            svc.host: {'up': service_db.is_up(svc, CONF.service_down_time),
                       'disabled': svc.disabled}
            for svc in service_db.get_all(context,
                                          {'binary': SHARE_BINARY})}
        self.host_manager.set_service_states(service_states)
        self._usable_backends = {
            host for host, state in service_states.items()
            if state['up'] and not state['disabled']}

    def _warming_up(self):
        """Whether a share service that is up has not yet reported its
        pools to this (just started) scheduler.

        Until it has, "no valid host" may only mean "not heard from yet";
        the wait is bounded by one report period.
        """
        if self._started_at is None or (
                time.monotonic() - self._started_at >
                CONF.periodic_interval + CONF.report_interval):
            return False
        reported = {'%s@%s' % (pool['host'], pool['backend'])
                    for pool in self.host_manager.get_pools()}
        return not self._usable_backends <= reported

    def _reschedule_orphans(self, context, stalled=False):
        """Schedule instances whose request no scheduler acted on.

        A share is ``creating`` with no host when the scheduler stopped
        between the API's cast and its own cast to a share service, or
        when the broker lost the API's cast; ``stalled`` takes only those
        older than ``stalled_request_timeout``. Placing is idempotent
        (``claim_host``), so a request that was only late is harmless.
        """
        created_before = None
        if stalled:
            created_before = timeutils.utcnow() - datetime.timedelta(
                seconds=CONF.stalled_request_timeout)
        log = LOG.warning if stalled else LOG.info
        for instance in share_db.instances_without_host(context,
                                                        created_before):
            log('Rescheduling share instance %s, left unplaced since %s',
                instance.id, instance.created_at)
            try:
                spec = specs_api.placement_spec(context, instance)
                self.create_share_instance(context, instance.id, spec)
            except Exception:   # the others still get their turn
                LOG.exception('Rescheduling share instance %s failed',
                              instance.id)

    def update_service_capabilities(self, context, host, capabilities,
                                    availability_zone, timestamp=None):
        if host not in self._usable_backends:
            # A share service that registered after our last look.
            self._refresh_service_states(context)
        self.host_manager.update_capabilities(
            host, capabilities, availability_zone,
            timestamp or timeutils.utcnow())

    def get_pools(self, context, filters=None):
        return self.host_manager.get_pools(filters)

    def create_share_instance(self, context, share_instance_id, spec):
        try:
            pool = self.host_manager.select(spec)
        except exception.NoValidHost as err:
            if self._warming_up():
                LOG.info('Share instance %s waits until the share services '
                         'have reported their pools', share_instance_id)
                self._orphans_pending = True
                return
            LOG.warning('No valid host for share instance %s: %s',
                        share_instance_id, err)
            share_db.transition(
                context, share_instance_id, states.ERROR,
                sources=[states.CREATING],
                message=(spec['project_id'], spec['share_id'],
                         messages.ACTION_ALLOCATE_HOST,
                         messages.NO_VALID_HOST))
            return
        if not share_db.claim_host(context, share_instance_id, pool.name,
                                   pool.availability_zone):
            LOG.info('Share instance %s was already scheduled; ignoring '
                     'the repeated request', share_instance_id)
            return
        self.share_rpc.create_share_instance(context, pool.host,
                                             share_instance_id)

    def create_share_group(self, context, share_group_id, spec):
        """Place a share group on a backend able to hold shares of all
        its share types, and cast its creation there."""
        try:
            pool = self.host_manager.select_for_group(spec)
        except exception.NoValidHost as err:
            LOG.warning('No valid host for share group %s: %s',
                        share_group_id, err)
            group_db.transition(context, share_group_id, states.ERROR,
                                sources=[states.CREATING])
            return
        if not group_db.claim_host(context, share_group_id, pool.host,
                                   pool.availability_zone):
            LOG.info('Share group %s was already scheduled or is no longer '
                     'creating; ignoring the request', share_group_id)
            return
        self.share_rpc.create_share_group(context, pool.host,
                                          share_group_id)

    # -- requests bound to the pool of an existing share ---------------------

    def _check_pool(self, share_instance_id, host, spec):
        """Raise NoValidHost unless the pool can take the request.

        A pool no share service has reported yet passes while this
        scheduler is warming up: the backend checks its own room.
        """
        try:
            self.host_manager.check_pool(host, spec)
        except KeyError:
            if not self._warming_up():
                raise exception.NoValidHost(
                    reason='Pool %s is not known to the scheduler.' % host)
            LOG.info('Pool %s of share instance %s not reported yet; '
                     'passing the request on', host, share_instance_id)

    def extend_share(self, context, share_instance_id, new_size,
                     reservations, spec):
        """Pass an extend on if the share's pool has room for the growth.

        When it has not, the share goes back to available with its quota
        reservation given back, and its owner is told why.
        """
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            quotas.rollback(context, reservations)
            return
        if instance.status != states.EXTENDING:
            LOG.info('Share instance %s is %s, no longer extending; '
                     'ignoring the extend', share_instance_id,
                     instance.status)
            return
        growth = dict(spec, size=new_size - instance.share.size)
        try:
            self._check_pool(share_instance_id, instance.host, growth)
        except exception.NoValidHost as err:
            LOG.warning('Cannot extend share instance %s: %s',
                        share_instance_id, err)
            resize_db.fail(context, share_instance_id, states.EXTENDING,
                           states.AVAILABLE, reservations,
                           message=(spec['project_id'], spec['share_id'],
                                    messages.ACTION_EXTEND,
                                    messages.NO_VALID_HOST))
            return
        self.share_rpc.extend_share(context, instance.host,
                                    share_instance_id, new_size,
                                    reservations)

    def manage_share(self, context, share_instance_id, driver_options,
                     spec):
        """Pass a manage on if the share type fits the pool named."""
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            return
        try:
            self._check_pool(share_instance_id, instance.host,
                             dict(spec, size=0))
        except exception.NoValidHost as err:
            LOG.warning('Cannot manage share instance %s on %s: %s',
                        share_instance_id, instance.host, err)
            manage_db.fail(context, share_instance_id)
            return
        self.share_rpc.manage_share(context, instance.host,
                                    share_instance_id, driver_options)
