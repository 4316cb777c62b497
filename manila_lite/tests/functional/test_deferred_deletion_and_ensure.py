"""Deferred deletion and ensure shares, on the split daemons over RabbitMQ.

One module-scoped deployment on PostgreSQL with ``deferred_deletion`` on,
a two-second sweep, batches of three, and a slow ``alpha`` backend (each
bulk ensure call and each delete take a while) so the share service can
be killed with SIGKILL in the middle of either run. ``beta`` is a second
backend of the same share service: each manager must touch only its own
shares. Notifications go out with oslo.messaging's ``messagingv2``
driver on the deployment's RabbitMQ and a listener in the test consumes
them.
"""

import threading
import uuid

from oslo_config import cfg
import oslo_messaging as messaging
import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.share.drivers import fake
from manila_lite.tests.functional import testbed

pytestmark = pytest.mark.xdist_group('deferred-ensure')

ENSURE_LATENCY = 1.5   # seconds per bulk ensure call (a batch of 3)
DELETE_LATENCY = 0.6   # seconds per share deletion on alpha
SWEEP_INTERVAL = 2
BATCH = 3
NOTIFY_TOPIC = 'notifications-%s' % uuid.uuid4().hex[:8]


@pytest.fixture(scope='module')
def dep(tmp_path_factory):
    options = {
        'deferred_deletion': True,
        'periodic_deferred_delete_interval': SWEEP_INTERVAL,
        'deferred_delete_retry_delay': 3,
        'share_batch_size': BATCH,
    }
    backends = {
        'alpha': {'fake_operation_latency': {
            'ensure_shares': ENSURE_LATENCY,
            'delete_share': DELETE_LATENCY}},
        'beta': {},
    }
    with testbed.running_split(tmp_path_factory, 'postgres',
                               backends=backends,
                               options=options) as deployment:
        deployment.config['oslo_messaging_notifications'] = {
            'driver': 'messagingv2', 'topics': NOTIFY_TOPIC}
        deployment.write_config()
        deployment.restart('share')
        manila = deployment.manila()
        for backend in backends:
            manila.share_types.create(
                backend, spec_driver_handles_share_servers=False,
                extra_specs={'share_backend_name': backend},
                is_public=True)
        yield deployment


class _Collector:
    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        with self.lock:
            self.events.append((publisher_id, event_type, payload))

    def of(self, event_type, host):
        with self.lock:
            return [p for pub, e, p in self.events
                    if e == event_type and pub == 'share.' + host]


@pytest.fixture(scope='module')
def notifications(dep):
    """A notification listener on the deployment's broker and exchange."""
    conf = cfg.ConfigOpts()
    conf([], project='manila-lite-test')
    transport = messaging.get_notification_transport(
        conf, url=dep.config['DEFAULT']['transport_url'])
    collector = _Collector()
    listener = messaging.get_notification_listener(
        transport, [messaging.Target(
            topic=NOTIFY_TOPIC,
            exchange=dep.config['DEFAULT']['control_exchange'])],
        [collector], executor='threading')
    listener.start()
    yield collector
    listener.stop()
    listener.wait()
    transport.cleanup()


def _host(dep, backend):
    return '%s@%s' % (dep.config['DEFAULT']['host'], backend)


def _service(manila, host):
    (service,) = [s for s in manila.services.list()
                  if s.host == host and s.binary == 'manila-share']
    return service


def _make_shares(manila, backend, count, prefix):
    shares = [manila.shares.create('NFS', 1, name='%s-%d' % (prefix, i),
                                   share_type=backend)
              for i in range(count)]
    return [deploy.wait_for_share(manila, s.id, 'available', timeout=60)
            for s in shares]


def _statuses(admin, ids):
    found = {s.id: s.status for s in admin.shares.list(
        search_opts={'all_tenants': 1})}
    return {i: found.get(i, 'gone') for i in ids}


def _backend_share_ids(dep, backend):
    """Ids of the shares the fake backend holds (snapshot and journal)."""
    state = fake.read_state(dep.config[backend]['fake_state_file'])
    return {r['share_id'] for r in state['shares'].values()}


def test_user_at_quota_deletes_and_creates_at_once(dep, project):
    admin = dep.manila()
    admin.quotas.update(project, shares=2, gigabytes=10)
    manila = dep.manila(project=project)
    first, second = _make_shares(manila, 'beta', 2, 'quota')
    dep.cli('share', 'delete', first.id, project=project)
    # A further delete is refused (403 while it is deleting_in_driver;
    # the two-second sweep may even have removed it already: 404).
    with pytest.raises(Exception) as err:
        manila.shares.delete(first.id)
    assert deploy.http_status(err.value) in (403, 404)
    # At quota a moment ago; the deleted share's quota is free at once.
    third = manila.shares.create('NFS', 1, name='right-away',
                                 share_type='beta')
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == 2
    deploy.wait_for_share_gone(manila, first.id, timeout=30)
    for share in (second, third):
        deploy.wait_for_share(manila, share.id, 'available')
        manila.shares.delete(share.id)
    for share in (second, third):
        deploy.wait_for_share_gone(manila, share.id, timeout=30)
    assert deploy.quota_usage(manila, project)['shares'] == 0


def test_failed_deferred_deletion_is_for_admins(dep, project):
    """A backend that fails the deletion: the share waits in
    deleting_in_driver_error, seen by administrators only, until one of
    them force-deletes it; the other backend never touches it."""
    manila = dep.manila(project=project)
    share = manila.shares.create(
        'NFS', 1, name='stubborn', share_type='alpha',
        metadata={'fake_fail_operations': 'delete_share'})
    share = deploy.wait_for_share(manila, share.id, 'available')
    manila.shares.delete(share.id)
    admin = dep.manila()
    deploy.wait_for(
        lambda: admin.shares.get(share.id).status ==
        'deleting_in_driver_error', 30, message='the deletion to fail')
    # A project member (noauth makes every client an admin unless its
    # roles say otherwise) neither lists nor shows it.
    member = {'X-Roles': 'member,reader'}
    listed = dep.request('GET', '/shares/detail', project=project,
                         user='member', headers=member)
    assert listed.status_code == 200 and listed.json()['shares'] == []
    assert dep.request('GET', '/shares/%s' % share.id, project=project,
                       user='member', headers=member).status_code == 404
    assert share.id in [s.id for s in admin.shares.list(search_opts={
        'all_tenants': 1, 'status': 'deleting_in_driver_error'})]
    # Retried after the delay, failing again; beta never deletes it.
    deploy.wait_for(lambda: len(admin.messages.list(search_opts={
        'resource_id': share.id, 'all_tenants': 1})) >= 2, 30,
        message='a second attempt')
    assert admin.shares.get(share.id).status == 'deleting_in_driver_error'
    assert share.id in _backend_share_ids(dep, 'alpha')
    admin.shares.force_delete(share.id)
    deploy.wait_for_share_gone(admin, share.id, timeout=30)
    assert deploy.quota_usage(manila, project)['shares'] == 0


def test_ensure_through_the_cli_with_notifications(dep, notifications,
                                                   project):
    manila = dep.manila(project=project)
    shares = _make_shares(manila, 'beta', 2, 'ensured')
    host = _host(dep, 'beta')
    before = len(notifications.of('share.service.ensure_shares.end', host))
    dep.cli('share', 'service', 'ensure', 'shares', host)
    deploy.wait_for(
        lambda: len(notifications.of('share.service.ensure_shares.end',
                                     host)) > before,
        30, message='the end notification of the ensure run')
    end = notifications.of('share.service.ensure_shares.end', host)[-1]
    assert end['completed'] and end['trigger'] == 'api'
    assert end['shares_ensured'] >= 2
    assert notifications.of('share.service.ensure_shares.start', host)
    admin = dep.manila()
    assert _service(admin, host).ensuring is False
    assert all(manila.shares.get(s.id).status == 'available'
               for s in shares)
    # Unknown backend: the CLI reports the failure.
    with pytest.raises(deploy.CliError):
        dep.cli('share', 'service', 'ensure', 'shares', 'nowhere@nothing')
    for share in shares:
        manila.shares.delete(share.id)


def test_share_service_killed_during_ensure_and_sweep(
        dep, notifications, project):
    manila = dep.manila(project=project)
    admin = dep.manila()
    alpha = _host(dep, 'alpha')
    shares = _make_shares(manila, 'alpha', 4 * BATCH, 'victim')
    ids = [s.id for s in shares]

    # 1. Killed in the middle of an ensure run.
    ends = len(notifications.of('share.service.ensure_shares.end', alpha))
    admin.services.ensure_shares(alpha)
    deploy.wait_for(lambda: 'ensuring' in _statuses(admin, ids).values(),
                    10, interval=0.1,
                    message='a batch to be ensuring')
    assert _service(admin, alpha).ensuring is True
    dep.kill('share')
    left = list(_statuses(admin, ids).values())
    assert 'ensuring' in left and 'available' in left, left
    dep.start('share')
    # The restarted service puts them back, and runs the interrupted
    # ensure again (its backend info was not recorded as ensured).
    deploy.wait_for(
        lambda: [e for e in notifications.of(
            'share.service.ensure_shares.end', alpha)[ends:]
            if e['trigger'] == 'startup' and e['completed']],
        ENSURE_LATENCY * 4 * 3 + 30, message='the start-up ensure run')
    assert set(_statuses(admin, ids).values()) == {'available'}
    assert _service(admin, alpha).ensuring is False

    # 2. Killed in the middle of a deferred deletion sweep.
    for share_id in ids:
        manila.shares.delete(share_id)
    assert deploy.quota_usage(manila, project)['shares'] == 0

    def some_gone():
        statuses = list(_statuses(admin, ids).values())
        return 'gone' in statuses and 'deleting_in_driver' in statuses
    deploy.wait_for(some_gone, 20, interval=0.1,
                    message='the sweep to be half way')
    dep.kill('share')
    remaining = [i for i, s in _statuses(admin, ids).items() if s != 'gone']
    assert remaining and set(_statuses(admin, remaining).values()) == {
        'deleting_in_driver'}
    dep.start('share')
    for share_id in ids:
        deploy.wait_for_share_gone(admin, share_id, timeout=60)
    # Deleted on the backend too, and quota given back exactly once.
    assert not set(ids) & _backend_share_ids(dep, 'alpha')
    assert deploy.quota_usage(manila, project)['shares'] == 0
