"""Manila's own API test suite (manila-tempest-plugin) against manila-lite.

This starts what the suite needs, the way an operator would run it: a
real Keystone, and the split deployment (gunicorn API, scheduler, share
service with two fake backends) on MariaDB and RabbitMQ behind
keystonemiddleware. It writes ``tempest.conf`` from what the service
advertises (its microversion range, its backends, the protocols and
features its fake backends support), runs ``tempest run`` on
``manila_tempest_tests.tests.api`` (or a part of it) and prints, per test
module, how many tests passed, failed and were skipped.

Run the whole suite (``tox -e tempest`` does this)::

    python -m manila_lite.tests.functional.tempest_run

Options: ``--subset ci`` for the modules CI runs, ``--regex`` for any
other selection, ``--profile fake`` (the default: the feature flags of a
fake backend as the plugin's gate uses them, groups, replication and
migration off) or ``--profile full`` (every feature the fake backend
really supports turned on), ``--concurrency``, ``--workdir`` to keep the
logs and tempest's workspace. The exit code is 0 only when tests ran and
none failed.
"""

import argparse
import collections
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import time

from manila_lite.devtools import deployment as deploy
from manila_lite.devtools import infra
from manila_lite.tests.functional import keystone as ks
from manila_lite.tests.functional import services
from manila_lite.tests.functional import testbed

API_TESTS = 'manila_tempest_tests.tests.api'
# The modules CI runs: shares, snapshots (their instances, export
# locations and access rules), metadata, access rules, share networks,
# types, quotas, share instances and locks (docs/tempest.rst).
CI_MODULES = (
    'test_shares', 'test_shares_negative', 'test_shares_actions',
    'test_shares_actions_negative', 'test_metadata',
    'test_metadata_negative', 'test_snapshot_metadata',
    'test_snapshot_metadata_negative', 'test_rules', 'test_rules_negative',
    'test_access_rules_metadata', 'test_access_rules_metadata_negative',
    'test_share_networks', 'test_share_networks_negative',
    'test_share_network_subnets', 'test_share_network_subnets_negative',
    'test_security_services', 'test_security_services_negative',
    'test_security_services_mapping',
    'test_security_services_mapping_negative', 'test_quotas',
    'test_quotas_negative', 'test_resource_locks',
    'test_resource_locks_negative', 'test_extensions',
    'test_microversions', 'admin.test_share_types',
    'admin.test_share_types_negative', 'admin.test_share_types_extra_specs',
    'admin.test_share_types_extra_specs_negative',
    'admin.test_share_instances', 'admin.test_share_instances_negative',
    'admin.test_share_snapshot_instances',
    'admin.test_share_snapshot_instances_negative',
    'admin.test_snapshot_export_locations', 'test_snapshot_rules',
    'test_snapshot_rules_negative', 'admin.test_quotas',
    'admin.test_quotas_negative', 'admin.test_admin_actions',
    'admin.test_admin_actions_negative',
)
BACKENDS = ('alpha', 'beta')
PROTOCOLS = ('nfs', 'cifs')

# What the fake backend supports, as tempest.conf [share] options. The
# 'fake' profile is the plugin's gate run for a backend without groups,
# replication or migration; 'full' turns on everything the fake backend
# really does.
PROFILES = {
    'fake': {
        'run_share_group_tests': False,
        'run_replication_tests': False,
        'run_multiple_share_replicas_tests': False,
        'run_host_assisted_migration_tests': False,
        'run_driver_assisted_migration_tests': False,
        'run_migration_with_preserve_snapshots_tests': False,
        'run_share_server_migration_tests': False,
        'run_driver_assisted_backup_tests': False,
        'run_manage_unmanage_tests': False,
        'run_manage_unmanage_snapshot_tests': False,
        'run_revert_to_snapshot_tests': False,
        'run_mount_snapshot_tests': False,
        'run_create_share_from_snapshot_in_another_pool_or_az_tests': False,
        'run_share_server_multiple_subnet_tests': False,
        'run_network_allocation_update_tests': False,
        'run_encryption_tests': False,
        'capability_create_share_from_snapshot_support': True,
        'capability_revert_to_snapshot_support': False,
    },
}
PROFILES['full'] = dict(
    PROFILES['fake'],
    run_manage_unmanage_tests=True,
    run_manage_unmanage_snapshot_tests=True,
    run_revert_to_snapshot_tests=True,
    run_mount_snapshot_tests=True,
    run_create_share_from_snapshot_in_another_pool_or_az_tests=True,
    capability_revert_to_snapshot_support=True,
)


class KeystoneSplit(deploy.Deployment):
    """The split deployment behind keystonemiddleware; its own readiness
    checks use the Keystone admin's token."""

    def __init__(self, base, keystone):
        config = base.config
        config['DEFAULT']['auth_strategy'] = 'keystone'
        config['keystone_authtoken'] = keystone.authtoken_options()
        super().__init__(base.workdir, config,
                         {name: daemon.argv[0]
                          for name, daemon in base.daemons.items()},
                         pools=base.expected_pools, port=base.port)
        self.keystone = keystone

    def request(self, method, path, project=None, user=None, **kwargs):
        session = self.keystone.session('admin')
        headers = {'X-Auth-Token': session.get_token(),
                   'X-OpenStack-Manila-API-Version':
                       self.api_version or '2.0',
                   'Accept': 'application/json'}
        headers.update(kwargs.pop('headers', {}))
        url = '%s/v2/%s%s' % (self.endpoint, session.get_project_id(),
                              path)
        import requests
        return requests.request(method, url, headers=headers, timeout=30,
                                **kwargs)

    def manila(self, project=None, user=None, version=None):
        from manilaclient import client
        return client.Client(version or self.client_version(),
                             session=self.keystone.session('admin'),
                             service_type='sharev2', region_name=ks.REGION)


@contextlib.contextmanager
def environment(workdir, database='mysql'):
    """Keystone and the split deployment, started; stopped on the way
    out whatever happens."""
    database_server = testbed.DATABASES[database]()
    rabbit = services.require_rabbit()
    with infra.throwaway_database(database_server) as keystone_db, \
            infra.throwaway_database(database_server) as db_url, \
            infra.throwaway_vhost(rabbit) as transport_url:
        keystone = ks.Keystone(os.path.join(workdir, 'keystone'),
                               database_url=keystone_db)
        os.makedirs(keystone.workdir, exist_ok=True)
        keystone.start()
        try:
            name = 'tempest-%d' % os.getpid()
            base = deploy.split(
                os.path.join(workdir, 'manila-lite'), db_url, transport_url,
                name, backends={b: {} for b in BACKENDS},
                options={'osapi_share_workers': 2})
            deployment = KeystoneSplit(base, keystone)
            deployment.manage('db', 'sync')
            keystone.populate(deployment.endpoint)
            with deploy.running(deployment):
                deploy.ensure_default_share_type(deployment)
                yield keystone, deployment
        finally:
            keystone.stop()


def tempest_conf(keystone, deployment, profile, log_file):
    """tempest.conf text for this deployment and feature profile."""
    share = {
        'catalog_type': 'sharev2',
        'endpoint_type': 'publicURL',
        'region': ks.REGION,
        'min_api_microversion': '2.0',
        'max_api_microversion': deployment.api_version,
        'multitenancy_enabled': False,
        'multi_backend': True,
        'backend_names': ','.join(BACKENDS),
        'enable_protocols': ','.join(PROTOCOLS),
        'enable_ip_rules_for_protocols': 'nfs,cifs',
        'enable_user_rules_for_protocols': 'cifs',
        'enable_cert_rules_for_protocols': '',
        'enable_cephx_rules_for_protocols': '',
        'enable_ro_access_level_for_protocols': 'nfs,cifs',
        'capability_storage_protocol': 'NFS_CIFS',
        'capability_snapshot_support': True,
        'default_share_type_name': 'default',
        'build_interval': 1,
        'build_timeout': 120,
        'suppress_errors_in_cleanup': False,
        'share_creation_retry_number': 0,
    }
    share.update(PROFILES[profile])
    sections = {
        'DEFAULT': {'log_file': log_file, 'debug': True},
        'auth': {
            'use_dynamic_credentials': True,
            'create_isolated_networks': False,
            'admin_username': 'admin',
            'admin_password': ks.PASSWORD,
            'admin_project_name': 'admin',
            'admin_domain_name': 'Default',
            'tempest_roles': 'member',
        },
        'identity': {
            'uri_v3': keystone.url,
            'auth_version': 'v3',
            'region': ks.REGION,
            'disable_ssl_certificate_validation': True,
        },
        'identity-feature-enabled': {'api_v2': False},
        'service_available': {
            'manila': True, 'nova': False, 'neutron': False,
            'cinder': False, 'glance': False, 'swift': False,
            'barbican': False,
        },
        'share': share,
    }
    return deploy.render_config(sections)


def selection(subset, regex):
    if regex:
        return regex
    if subset == 'ci':
        return r'^%s\.(%s)\.' % (re.escape(API_TESTS), '|'.join(
            re.escape(m) for m in CI_MODULES))
    return r'^%s\.' % re.escape(API_TESTS)


def run_tempest(workspace, regex, concurrency, timeout):
    """``tempest run`` in ``workspace``; the subunit stream of the run."""
    tempest = deploy.executable('tempest')
    argv = [tempest, 'run', '--regex', regex,
            '--concurrency', str(concurrency)]
    with open(os.path.join(workspace, 'tempest-run.out'), 'wb') as out:
        subprocess.run(argv, cwd=workspace, stdout=out,
                       stderr=subprocess.STDOUT, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    stream = subprocess.run(
        [deploy.executable('stestr'), 'last', '--subunit'], cwd=workspace,
        capture_output=True, timeout=300)
    return stream.stdout


def module_of(test_id):
    """'manila_tempest_tests.tests.api.admin.test_x.Class.test_y[..]' and
    'setUpClass (…test_x.Class)' -> 'admin.test_x'."""
    inner = re.search(r'\((.*)\)', test_id)
    name = inner.group(1) if test_id.startswith(('setUpClass',
                                                 'tearDownClass')) \
        and inner else test_id.split('[')[0]
    parts = name.split('.')
    prefix = API_TESTS.split('.')
    if parts[:len(prefix)] == prefix:
        parts = parts[len(prefix):]
    modules = [p for p in parts if p.startswith('test_')]
    if not modules:
        return '.'.join(parts[:-1])
    return '.'.join(parts[:parts.index(modules[0]) + 1])


def parse(subunit_bytes):
    """{test id: (status, details text)} from a subunit v2 stream."""
    import subunit
    import testtools

    results = {}

    def on_test(test):
        details = ''
        for name, content in (test.get('details') or {}).items():
            if name in ('traceback', 'reason'):
                details += b''.join(
                    bytes(chunk) for chunk in content.iter_bytes()
                ).decode(errors='replace')
        results[test['id']] = (test['status'], details)

    stream = subunit.ByteStreamToStreamResult(
        io.BytesIO(subunit_bytes), non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        stream.run(result)
    finally:
        result.stopTestRun()
    return results


def summarize(results):
    """{module: Counter(passed=, failed=, skipped=)}."""
    modules = collections.defaultdict(collections.Counter)
    for test_id, (status, _details) in results.items():
        if status == 'success':
            key = 'passed'
        elif status == 'skip':
            key = 'skipped'
        elif status in ('fail', 'uxsuccess'):
            key = 'failed'
        else:
            continue
        modules[module_of(test_id)][key] += 1
    return modules


def report(modules, seconds, out=sys.stdout):
    width = max([len(m) for m in modules] + [6])
    total = collections.Counter()
    print('%-*s %7s %7s %7s' % (width, 'module', 'passed', 'failed',
                                'skipped'), file=out)
    for name in sorted(modules):
        counts = modules[name]
        total.update(counts)
        print('%-*s %7d %7d %7d' % (width, name, counts['passed'],
                                    counts['failed'], counts['skipped']),
              file=out)
    print('%-*s %7d %7d %7d' % (width, 'total', total['passed'],
                                total['failed'], total['skipped']),
          file=out)
    print('run time: %.0f s' % seconds, file=out)
    print('%d passed, %d failed, %d skipped' % (
        total['passed'], total['failed'], total['skipped']), file=out)
    return total


def run(workdir, subset='all', regex=None, profile='fake', concurrency=4,
        timeout=3600, database='mysql'):
    """Start everything, run tempest, stop everything; the parsed
    results and the run time in seconds."""
    workspace = os.path.join(workdir, 'tempest')
    # A registry of workspaces of its own, not the user's ~/.tempest.
    subprocess.run([deploy.executable('tempest'), 'init', '--workspace-path',
                    os.path.join(workdir, 'workspaces.yaml'), '--name',
                    'manila-lite-%d' % os.getpid(), workspace],
                   check=True, capture_output=True, timeout=120)
    with environment(workdir, database) as (keystone, deployment):
        with open(os.path.join(workspace, 'etc', 'tempest.conf'), 'w') as f:
            f.write(tempest_conf(keystone, deployment, profile,
                                 os.path.join(workspace, 'tempest.log')))
        started = time.monotonic()
        stream = run_tempest(workspace, selection(subset, regex),
                             concurrency, timeout)
        seconds = time.monotonic() - started
    return parse(stream), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--subset', choices=('all', 'ci'), default='all')
    parser.add_argument('--regex', help='tests to run (tempest --regex)')
    parser.add_argument('--profile', choices=sorted(PROFILES),
                        default='fake')
    parser.add_argument('--concurrency', type=int, default=4)
    parser.add_argument('--database', choices=sorted(testbed.DATABASES),
                        default='mysql')
    parser.add_argument('--workdir', help='keep logs and the workspace '
                                          'here (default: a temporary '
                                          'directory, removed)')
    parser.add_argument('--failures', action='store_true',
                        help='print the traceback of every failure')
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix='manila-lite-tempest-'))
        os.makedirs(workdir, exist_ok=True)
        results, seconds = run(workdir, args.subset, args.regex,
                               args.profile, args.concurrency,
                               database=args.database)
    failed = sorted(t for t, (s, _) in results.items()
                    if s in ('fail', 'uxsuccess'))
    for test_id in failed:
        print('FAILED %s' % test_id)
        if args.failures:
            print(results[test_id][1])
    total = report(summarize(results), seconds)
    return 0 if total['passed'] and not total['failed'] else 1


if __name__ == '__main__':
    sys.exit(main())
