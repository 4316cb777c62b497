"""Fixtures starting real manila-lite deployments for the functional tests.

* ``all_in_one``: one manila-lite-all process (SQLite, in-process
  messaging, noauth), started once per test worker.
* ``mysql_deployment`` / ``postgres_deployment``: manila-lite-api (two
  workers), -scheduler and -share (two fake backends) as separate
  processes on a throwaway database and RabbitMQ virtual host;
  ``split_deployment`` is either, ``deployment`` any of the three.
  A test needing other backend options starts its own with
  ``testbed.running_split`` (see test_restart.py).

Every test acts in a project of its own (``project``), so tests sharing a
deployment -- and its quotas -- never count each other's shares.

Under xdist the tests of one split deployment go to one worker, so it
starts once rather than on every worker: plain ``-n N`` (--dist load) is
turned into --dist loadgroup, and those tests carry an ``xdist_group``
mark. A failed test's report ends with the logs of its deployment.
"""

import uuid

import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed


def pytest_configure(config):
    # The controller: plain ``-n N`` means --dist load; group instead.
    if getattr(config.option, 'dist', None) == 'load':
        config.option.dist = 'loadgroup'
    # A worker: xdist set its grouping flag from the command line alone.
    if getattr(config, 'workerinput', {}).get('manila_lite_loadgroup'):
        config.option.loadgroup = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Tell each xdist worker that the tests are grouped."""
    if node.config.option.dist == 'loadgroup':
        node.workerinput['manila_lite_loadgroup'] = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report ends with the logs of its daemons."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when == 'call':
        for name, value in getattr(item, 'funcargs', {}).items():
            if isinstance(value, deploy.Deployment):
                report.sections.append(('manila-lite logs (%s)' % name,
                                        value.log_tails()))


@pytest.fixture(scope='session')
def all_in_one(tmp_path_factory):
    deployment = deploy.all_in_one(tmp_path_factory.mktemp('all-in-one'),
                                   fail_share_names=[testbed.FAIL_NAME])
    with deploy.running(deployment):
        yield deployment


@pytest.fixture(scope='session')
def mysql_deployment(tmp_path_factory):
    with testbed.running_split(tmp_path_factory, 'mysql') as deployment:
        yield deployment


@pytest.fixture(scope='session')
def postgres_deployment(tmp_path_factory):
    with testbed.running_split(tmp_path_factory, 'postgres') as deployment:
        yield deployment


def _grouped(*names):
    return [pytest.param(name, marks=pytest.mark.xdist_group(name), id=name)
            for name in names]


@pytest.fixture(params=_grouped('mysql', 'postgres'))
def split_deployment(request):
    return request.getfixturevalue('%s_deployment' % request.param)


@pytest.fixture(params=[pytest.param('all_in_one', id='all_in_one')]
                + _grouped('mysql', 'postgres'))
def deployment(request):
    if request.param == 'all_in_one':
        return request.getfixturevalue('all_in_one')
    return request.getfixturevalue('%s_deployment' % request.param)


@pytest.fixture(params=[pytest.param('all_in_one', id='all_in_one')]
                + _grouped('mysql'))
def all_in_one_or_mysql(request):
    """The embedded deployment and one split one: for stories whose
    database differences MariaDB already covers."""
    if request.param == 'all_in_one':
        return request.getfixturevalue('all_in_one')
    return request.getfixturevalue('mysql_deployment')


@pytest.fixture
def project():
    """A project of the test's own: its quotas and usage are the test's."""
    return 'project-%s' % uuid.uuid4().hex[:12]


@pytest.fixture
def manila(deployment, project):
    return deployment.manila(project=project)
