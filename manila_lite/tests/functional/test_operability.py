"""What an operator finds on a split deployment (manila-lite-api under
gunicorn, -scheduler and -share on MariaDB and RabbitMQ) with ``log_dir``
set: one log per program, named after it, gunicorn's control socket in
state_path, and /healthcheck for the load balancer."""

import os
import stat

import pytest
import requests

from manila_lite.tests.functional import testbed

pytestmark = pytest.mark.xdist_group('operability')


@pytest.fixture(scope='module')
def logged_split(tmp_path_factory):
    log_dir = str(tmp_path_factory.mktemp('oslo-logs'))
    with testbed.running_split(tmp_path_factory, 'mysql',
                               options={'log_dir': log_dir}) as deployment:
        yield deployment, log_dir


def test_each_program_logs_to_its_own_name(logged_split):
    deployment, log_dir = logged_split
    assert sorted(os.listdir(log_dir)) == [
        'manila-lite-api.log', 'manila-lite-manage.log',
        'manila-lite-scheduler.log', 'manila-lite-share.log']
    with open(os.path.join(log_dir, 'manila-lite-api.log')) as log:
        # The readiness checks of the deployment, from the workers.
        assert 'GET /v2/admin/scheduler-stats/pools status: 200' in log.read()


def test_gunicorn_control_socket_in_state_path(logged_split):
    deployment, _log_dir = logged_split
    path = os.path.join(deployment.config['DEFAULT']['state_path'],
                        'manila-lite-api-%d.ctl' % deployment.port)
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_healthcheck_reports_database_and_broker(logged_split):
    deployment, _log_dir = logged_split
    url = deployment.endpoint + '/healthcheck'
    plain = requests.get(url, timeout=30)
    assert plain.status_code == 200
    assert plain.text.splitlines() == ['Database OK', 'Message broker OK']
    member = requests.get(url, timeout=30, headers={
        'X-Auth-Token': 'someone:p1', 'X-Roles': 'member,reader',
        'Accept': 'application/json'})
    assert member.json() == {'detailed': False,
                             'reasons': ['Database OK', 'Message broker OK']}
    admin = requests.get(url, timeout=30, headers={
        'X-Auth-Token': 'admin:admin', 'Accept': 'application/json'})
    assert admin.status_code == 200
    assert admin.json()['detailed'] is True
    assert [r['reason'] for r in admin.json()['reasons']] == [
        'Database OK', 'Message broker OK']
