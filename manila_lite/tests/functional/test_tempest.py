"""Manila's own API tests (manila-tempest-plugin) against manila-lite.

The modules CI runs (``tempest_run.CI_MODULES``: shares, snapshots,
metadata, access rules, share networks, types, quotas, instances, locks)
run once through :mod:`tempest_run`, on the split deployment behind a
real Keystone, with every feature the fake backend supports turned on.
The whole suite is ``tox -e tempest`` (docs/tempest.rst).
"""

import pytest

from manila_lite.tests.functional import tempest_run

pytestmark = pytest.mark.xdist_group('tempest')


@pytest.fixture(scope='module')
def tempest_results(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp('tempest'))
    results, _seconds = tempest_run.run(workdir, subset='ci',
                                        profile='full', concurrency=3)
    return results


def test_manila_api_suite_passes(tempest_results):
    failures = {test_id: details
                for test_id, (status, details) in tempest_results.items()
                if status in ('fail', 'uxsuccess')}
    assert not failures, '\n\n'.join(
        '%s\n%s' % item for item in sorted(failures.items()))


def test_every_ci_module_ran_tests(tempest_results):
    """A module whose classes all skipped, or that tempest never found,
    would pass the test above while testing nothing."""
    modules = tempest_run.summarize(tempest_results)
    idle = [name for name in tempest_run.CI_MODULES
            if not modules.get(name, {}).get('passed')]
    assert not idle, 'no test passed in %s' % ', '.join(idle)
