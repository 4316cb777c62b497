"""What the API unit tests share besides fixtures: the noauth projects,
the pools the scheduler is fed, a small client over the WSGI app, and
helpers that make shares and wait for them.

Test modules (and tests/functional/fuzz_run.py) import these from here;
conftest.py holds only the fixtures, which use them too.
"""

import time

from oslo_messaging import opts as messaging_opts

from manila_lite.api import microversion
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import migration
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import rpc
from manila_lite.scheduler import manager as scheduler_manager
from manila_lite import states

CONF = conf.CONF

# Noauth identities: project ids look like Keystone's (hex UUIDs), as the
# share type access API insists.
ADMIN_PROJECT = 'ad000000000000000000000000000000'
PROJECT = 'b0000000000000000000000000000001'
OTHER_PROJECT = 'c0000000000000000000000000000002'

POOL_CAPABILITIES = {
    'hostA@alpha': {
        'share_backend_name': 'ALPHA', 'vendor_name': 'Test',
        'driver_version': '1.0', 'storage_protocol': 'NFS_CIFS',
        'driver_handles_share_servers': False, 'snapshot_support': True,
        'pools': [
            {'pool_name': 'gold', 'total_capacity_gb': 100,
             'free_capacity_gb': 80, 'thin_provisioning': True},
            {'pool_name': 'silver', 'total_capacity_gb': 50,
             'free_capacity_gb': 50, 'snapshot_support': False},
        ],
    },
    'hostB@beta': {
        'share_backend_name': 'BETA', 'vendor_name': 'Test',
        'driver_version': '1.0', 'storage_protocol': 'CEPHFS',
        'driver_handles_share_servers': True, 'snapshot_support': False,
        'pools': [{'pool_name': 'bronze', 'total_capacity_gb': 10,
                   'free_capacity_gb': 10}],
    },
}


def create_schema():
    """The tables of the configured database, by its migrations."""
    migration.db_sync()


def report_pools(manager):
    """Feed the pools in as their share services would report them."""
    ctx = ml_context.get_admin_context()
    for host, capabilities in POOL_CAPABILITIES.items():
        manager.update_service_capabilities(ctx, host, capabilities, 'nova')
    # No share service rows back these reports: every reported backend is
    # eligible (the states read from the empty services table would make
    # none of them so).
    manager.host_manager.set_service_states(None)


def start_scheduler():
    """The scheduler manager and its RPC server."""
    for group, opts in messaging_opts.list_opts():
        if group in (None, 'DEFAULT'):
            # Another test of this process may have registered them
            # already, with the defaults rpc.init gives them.
            CONF.register_opts([opt for opt in opts if opt.dest not in CONF])
    CONF.set_override('transport_url', 'fake:/')
    CONF.set_override('rpc_response_timeout', 10)
    manager = scheduler_manager.SchedulerManager()
    report_pools(manager)
    server = rpc.get_server(CONF.scheduler_topic, 'unit-test-scheduler',
                            [manager])
    server.start()
    return manager, server


class Client:
    """Requests as an admin or a project member, at a microversion."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, version=None, body=None, role='admin',
                project=None, status='*', headers=None):
        headers = dict(headers or {})
        if role == 'admin':
            project = project or ADMIN_PROJECT
        else:
            project = project or PROJECT
            headers['X-Roles'] = 'member,reader'
        headers['X-Auth-Token'] = '%s-user:%s' % (role, project)
        if version is not None:
            headers[microversion.HEADER] = version
        # webtest checks no status when errors are expected: check here.
        kwargs = {'headers': headers, 'expect_errors': True}
        if body is not None:
            response = getattr(self.app, method.lower() + '_json')(
                '/v2' + path, body, **kwargs)
        else:
            response = self.app.request('/v2' + path, method=method.upper(),
                                        **kwargs)
        if status != '*':
            assert response.status_int == status, (
                '%s %s answered %s, not %s: %s' % (
                    method, path, response.status_int, status,
                    response.text[:500]))
        return response

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def put(self, path, body, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


def fault(response):
    """(fault name, message) of a Manila error body."""
    ((name, detail),) = response.json.items()
    assert detail['code'] == response.status_int
    return name, detail['message']


def wait_for_status(ctx, share_id, status, timeout=10):
    """The share once asynchronous work (the scheduler) has moved it to
    ``status``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        share = share_db.get(ctx, share_id)
        if share.status == status:
            return share
        time.sleep(0.02)
    raise AssertionError('share %s stayed %s, never %s'
                         % (share_id, share.status, status))


def default_share_type(ctx, **extra_specs):
    """Share type 'default' (DHSS False, plus ``extra_specs``), made the
    default type."""
    share_type = type_db.create(ctx, 'default', dict(
        {'driver_handles_share_servers': 'False'}, **extra_specs))
    CONF.set_override('default_share_type', 'default')
    return share_type


def create_share(api, version, role='member', status=200, **fields):
    """POST /shares of a 1 GiB NFS share, plus ``fields``."""
    body = {'share': dict({'share_proto': 'NFS', 'size': 1}, **fields)}
    return api.post('/shares', body, version=version, role=role,
                    status=status)


def wait_placed(read, ctx, resource_id, timeout=10):
    """``read(ctx, resource_id)`` once the scheduler has placed the
    resource (a share, a share group) or given up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resource = read(ctx, resource_id)
        if resource.host or resource.status != states.CREATING:
            return resource
        time.sleep(0.02)
    raise AssertionError('%s was never scheduled' % resource_id)


def wait_scheduled(ctx, share_id, timeout=10):
    """The share once the scheduler has placed it or given up."""
    return wait_placed(share_db.get, ctx, share_id, timeout)


def make_available(ctx, share_id, manager=None, locations=None):
    """Finish a share placed on hostA@alpha as its share manager would:
    through ``manager`` (a real ShareManager), else by recording
    ``locations`` (default: one preferred export) in the database."""
    share = wait_scheduled(ctx, share_id)
    assert share.host and share.host.startswith('hostA@alpha#'), share.host
    if manager is not None:
        manager.shares.create_share_instance(ctx, share.instance.id)
    else:
        assert share_db.finish_create(ctx, share.instance.id, locations or [
            {'path': '10.0.0.1:/share', 'preferred': True}])
    return share_db.get(ctx, share_id)
