"""Horizon with manila-ui against manila-lite, in a real browser.

Horizon and manila-ui from PyPI (pinned in ``horizon_ui``, in a cached
virtualenv of their own, with manila-ui's shipped settings) log in through
a real Keystone and talk to the split deployment behind keystonemiddleware
(MariaDB, RabbitMQ); Debian's headless Chromium drives them through
selenium. Each persona -- a project member and the cloud administrator --
logs in, creates a share with the Create Share form, sees it available
and its export locations, lets a network in, snapshots it, opens every
manila-ui page with those resources about (no "Unable to retrieve"
banner, the page's own table), and deletes all again through the pages.
A failing step saves a screenshot and the page's HTML (their paths are
in the failure's message) and appends Horizon's log.
"""

import contextlib
import os
import subprocess
import uuid

import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import horizon_ui
from manila_lite.tests.functional import keystone as ks
from manila_lite.tests.functional import services
from manila_lite.tests.functional import tempest_run

pytestmark = pytest.mark.xdist_group('horizon')

SHARE_TYPE = 'horizon-snappy'
# manila-ui's pages: (path under the dashboard, heading, table ids).
PROJECT_PAGES = [
    ('shares', 'Shares', ['shares']),
    ('share_snapshots', 'Share Snapshots', ['share_snapshots']),
    ('share_networks', 'Share Networks', ['share_networks']),
    ('security_services', 'Security Services', ['security_services']),
    ('share_groups', 'Share Groups', ['share_groups']),
    ('share_group_snapshots', 'Share Group Snapshots',
     ['share_group_snapshots']),
    ('user_messages', 'User Messages', ['user_messages']),
    ('resource_locks', 'Resource Locks', ['shares_locks', 'rules_locks']),
]
ADMIN_PAGES = PROJECT_PAGES + [
    ('share_types', 'Share Types', ['share_types']),
    ('share_servers', 'Share Servers', ['share_servers']),
    ('share_instances', 'Share Instances', ['share_instances']),
    ('share_group_types', 'Share Group Types', ['share_group_types']),
]
PERSONAS = {'member': ks.PERSONAS['member'][0],
            'admin': ks.PERSONAS['admin'][0]}


def _require_browser():
    try:
        import selenium  # noqa: F401
    except ImportError:
        services.unavailable("selenium is not installed (pip install "
                             "'.[test]')")
    for path in (horizon_ui.CHROMIUM, horizon_ui.CHROMEDRIVER):
        if not os.path.exists(path):
            services.unavailable(
                '%s is missing (apt-get install chromium chromium-driver, '
                'README.rst)' % path)
    if not ks.installed():
        services.unavailable("Keystone is not installed (pip install "
                             "'.[test]' installs it from PyPI)")


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    """Keystone, the split deployment and Horizon, started once."""
    _require_browser()
    try:
        venv_dir = horizon_ui.ensure_venv()
    except (OSError, RuntimeError, subprocess.SubprocessError) as err:
        # Mostly: PyPI out of reach.
        services.unavailable('Horizon could not be installed: %s' % err)
    workdir = str(tmp_path_factory.mktemp('horizon'))
    with tempest_run.environment(workdir) as (keystone, deployment):
        # What an administrator sets up before users come: a type whose
        # shares can be snapshotted.
        deployment.manila().share_types.create(
            SHARE_TYPE, spec_driver_handles_share_servers=False,
            spec_snapshot_support=True, is_public=True)
        horizon = horizon_ui.Horizon(venv_dir, workdir, keystone.url)
        with horizon_ui.running(horizon):
            yield keystone, deployment, horizon


@pytest.fixture
def browser(stack, tmp_path):
    _keystone, _deployment, horizon = stack
    screenshots = os.environ.get('MANILA_LITE_TEST_SCREENSHOTS',
                                 str(tmp_path / 'screenshots'))
    browser = horizon_ui.Browser(horizon.url, screenshots)
    try:
        yield browser
    finally:
        browser.quit()


@contextlib.contextmanager
def step(browser, horizon, name):
    """A failure inside leaves a screenshot and Horizon's log."""
    try:
        yield
    except Exception as err:
        try:
            shot = browser.screenshot(name)
        except Exception as shot_err:  # the browser itself may be gone
            shot = 'no screenshot (%s)' % shot_err
        raise AssertionError('step %r failed at %s: %s\nscreenshot: %s\n'
                             '--- horizon log ---\n%s' % (
                                 name, browser.path, err, shot,
                                 horizon.log_tail())) from err


def _manila(keystone, deployment, persona):
    """python-manilaclient as the persona, to check what the pages did."""
    from manilaclient import client
    return client.Client(deployment.client_version(),
                         session=keystone.session(persona),
                         service_type='sharev2', region_name=ks.REGION)


def _check_page(browser, dashboard, page, heading, tables):
    browser.open('/%s/%s/' % (dashboard, page))
    problems = []
    headings = [h.text for h in browser.find('.page-header h1')]
    if headings != [heading]:
        problems.append('heading %s, not %r' % (headings, heading))
    found = [t.get_attribute('id') for t in browser.find('table.datatable')]
    if found != tables:
        problems.append('tables %s, not %s' % (found, tables))
    bad = [text for text in browser.alerts()
           if 'Unable to' in text or 'Error' in text]
    bad += [e.text for e in browser.find('.alert-danger')
            if e.text not in bad]
    if bad:
        problems.append('banners %s' % bad)
    return ['/%s/%s/: %s' % (dashboard, page, '; '.join(problems))] \
        if problems else []


@pytest.mark.parametrize('persona', list(PERSONAS))
def test_share_lifecycle_and_every_page(stack, browser, persona):
    keystone, deployment, horizon = stack
    manila = _manila(keystone, deployment, persona)
    name = 'horizon-%s-%s' % (persona, uuid.uuid4().hex[:6])
    dashboards = [('project', PROJECT_PAGES)]
    if persona == 'admin':
        dashboards.append(('admin', ADMIN_PAGES))
    share_id = snapshot_id = None
    try:
        with step(browser, horizon, 'login'):
            browser.login(PERSONAS[persona], ks.PASSWORD)
            assert browser.path == '/project/shares/', browser.path
            assert browser.alerts() == []

        with step(browser, horizon, 'create-share'):
            # The Create Share dialog, as a user opens it from the list,
            # with manila-ui's default settings (share groups offered).
            browser.find('#shares__action_create')[0].click()
            browser.fill({'name': name, 'share_type': SHARE_TYPE,
                          'size': '1', 'share_proto': 'NFS'})
            share_id = browser.wait_for_row('/project/shares/', 'shares',
                                            name, 'Available')
            share = manila.shares.get(share_id)
            assert (share.name, share.status, share.share_type_name,
                    share.size) == (name, 'available', SHARE_TYPE, 1)

        with step(browser, horizon, 'export-locations'):
            # The share's page, on its Export Locations tab.
            browser.open('/project/shares/%s/?tab=share_details__'
                         'export_locations_tab' % share_id)
            paths = [el.path for el in
                     manila.share_export_locations.list(share_id)]
            assert paths
            shown = browser.text('table#export_locations tbody')
            for path in paths:
                assert path in shown, (path, shown)
            assert browser.alerts() == []

        with step(browser, horizon, 'add-rule'):
            browser.open('/project/shares/%s/rule_add/' % share_id)
            browser.fill({'access_type': 'ip', 'access_to': '10.9.8.0/24',
                          'access_level': 'read-only'})
            rules_page = '/project/shares/%s/rules/' % share_id
            rule_id = browser.wait_for_row(rules_page, 'rules',
                                           '10.9.8.0/24', 'active')
            (rule,) = manila.share_access_rules.access_list(share_id)
            assert (rule.id, rule.access_to, rule.access_level,
                    rule.state) == (rule_id, '10.9.8.0/24', 'ro', 'active')

        with step(browser, horizon, 'snapshot'):
            browser.open('/project/share_snapshots/%s/share_snapshot_create/'
                         % share_id)
            browser.fill({'name': name + '-snap'})
            snapshot_id = browser.wait_for_row(
                '/project/share_snapshots/', 'share_snapshots',
                name + '-snap', 'Available')
            snapshot = manila.share_snapshots.get(snapshot_id)
            assert (snapshot.share_id, snapshot.status) == (share_id,
                                                            'available')
            browser.open('/project/share_snapshots/%s' % snapshot_id)
            assert name + '-snap' in browser.text()
            assert browser.alerts() == []

        with step(browser, horizon, 'every-page'):
            problems = []
            for dashboard, pages in dashboards:
                for page, heading, tables in pages:
                    problems += _check_page(browser, dashboard, page,
                                            heading, tables)
            assert not problems, problems
            # The project's share is on its list; an administrator sees
            # it among every project's shares and share instances.
            for dashboard, _pages in dashboards:
                browser.open('/%s/shares/' % dashboard)
                assert browser.row('shares', name) is not None, dashboard
            if persona == 'admin':
                (instance,) = manila.share_instances.list(
                    search_opts={'share_id': share_id})
                browser.open('/admin/share_instances/')
                assert browser.find('table#share_instances tr'
                                    '[data-object-id="%s"]' % instance.id)
                browser.open('/admin/share_instances/%s' % instance.id)
                assert share_id in browser.text(), browser.text()[:2000]
                assert browser.alerts() == []

        with step(browser, horizon, 'delete-all'):
            browser.delete_row('/project/share_snapshots/',
                               'share_snapshots', snapshot_id)
            deploy.wait_for_gone(manila.share_snapshots.get, snapshot_id,
                                 what='snapshot', timeout=60)
            snapshot_id = None
            browser.delete_row('/project/shares/%s/rules/' % share_id,
                               'rules', rule_id)
            deploy.wait_for(
                lambda: not manila.share_access_rules.access_list(share_id),
                60, message='the access rule to be deleted')
            browser.delete_row('/project/shares/', 'shares', share_id)
            deploy.wait_for_share_gone(manila, share_id)
            share_id = None
            browser.open('/project/shares/')
            assert browser.row('shares', name) is None
            assert not [a for a in browser.alerts() if 'Unable' in a]
    finally:
        # Whatever a failed step left behind goes through the API.
        if snapshot_id:
            _quietly(manila.share_snapshots.delete, snapshot_id)
        if share_id:
            _quietly(manila.shares.force_delete if persona == 'admin'
                     else manila.shares.delete, share_id)


def _quietly(call, *args):
    try:
        call(*args)
    except Exception:  # already gone, or the cloud is down: report the
        pass           # test's own failure, not this one
