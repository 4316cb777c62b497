"""Horizon with manila-ui, installed from PyPI, for the browser tests.

Horizon pins its own Django and client versions, so it never goes into
the environment running the tests: :func:`ensure_venv` builds a
virtualenv of its own under ``~/.cache/manila-lite-tests`` (or
``$MANILA_LITE_TEST_CACHE``), keyed by the pinned versions and the
settings below, and reuses it while the key holds. It is set up the way
an operator sets Horizon up (docs/horizon.rst): manila-ui's ``enabled``
files, its settings snippet (left as shipped: share groups, replication,
migration, public shares and types all on) and its policy files copied
into ``openstack_dashboard``, a ``local_settings.py``, ``collectstatic``
and offline ``compress``.

:class:`Horizon` serves that dashboard with Django's ``runserver`` on a
free loopback port, pointed at a Keystone by the environment, with its
log in the test's directory. :class:`Browser` drives Debian's headless
Chromium through it with selenium.
"""

import contextlib
import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv

import requests

from manila_lite.devtools import deployment as deploy

HORIZON = 'horizon==27.0.0'
MANILA_UI = 'manila-ui==16.0.0'
CACHE = os.environ.get('MANILA_LITE_TEST_CACHE', os.path.join(
    os.path.expanduser('~'), '.cache', 'manila-lite-tests'))
CHROMIUM = os.environ.get('MANILA_LITE_TEST_CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get('MANILA_LITE_TEST_CHROMEDRIVER',
                              '/usr/bin/chromedriver')

# openstack_dashboard/local/local_settings.py: what an operator writes,
# except that the Keystone URL comes from the environment so that one
# cached virtualenv serves every test run.
LOCAL_SETTINGS = '''\
import os

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
OPENSTACK_KEYSTONE_URL = os.environ.get(
    'MANILA_LITE_HORIZON_KEYSTONE_URL', 'http://127.0.0.1:5000/v3')
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
# Without Nova the Project dashboard's own landing page is refused.
LOGIN_REDIRECT_URL = '/project/shares/'
# One runserver process: sessions in its memory, no memcached needed.
CACHES = {
    'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'},
}
SESSION_ENGINE = 'django.contrib.sessions.backends.cache'
STATIC_ROOT = os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), 'static')
COMPRESS_OFFLINE = True
SECRET_KEY = os.environ.get('MANILA_LITE_HORIZON_SECRET_KEY',
                            'manila-lite-tests-only')
'''


def venv_path():
    key = hashlib.sha256('\n'.join(
        (HORIZON, MANILA_UI, sys.version.split()[0], LOCAL_SETTINGS)
    ).encode()).hexdigest()[:12]
    return os.path.join(CACHE, 'horizon-venv-%s' % key)


def _run(argv, log, timeout, env=None):
    log.write(('\n$ %s\n' % ' '.join(argv)).encode())
    log.flush()
    result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, timeout=timeout,
                            env=env)
    if result.returncode != 0:
        raise RuntimeError('%s exited %s; see %s' % (
            ' '.join(argv), result.returncode, log.name))


def _site_packages(path):
    found = glob.glob(os.path.join(path, 'lib', 'python3*',
                                   'site-packages'))
    return found[0]


def django_env(path, **extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('OS_', 'DJANGO_', 'PYTHON'))}
    env['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'
    env.update(extra)
    return env


def _build(path, log):
    venv.create(path, with_pip=True, clear=True)
    python = os.path.join(path, 'bin', 'python')
    _run([python, '-m', 'pip', 'install', '--quiet',
          '--disable-pip-version-check', HORIZON, MANILA_UI], log, 900)
    site = _site_packages(path)
    dashboard = os.path.join(site, 'openstack_dashboard')
    plugin = os.path.join(site, 'manila_ui')
    # What manila-ui's installation guide has an operator copy.
    for pattern, target in (
            ('local/enabled/_*.py', 'local/enabled'),
            ('local/local_settings.d/_*.py', 'local/local_settings.d'),
            ('conf/manila_policy.yaml', 'conf'),
            ('conf/default_policies/*.yaml', 'conf/default_policies')):
        os.makedirs(os.path.join(dashboard, target), exist_ok=True)
        for source in glob.glob(os.path.join(plugin, pattern)):
            if os.path.basename(source) != '__init__.py':
                shutil.copy(source, os.path.join(dashboard, target))
    with open(os.path.join(dashboard, 'local', 'local_settings.py'),
              'w') as f:
        f.write(LOCAL_SETTINGS)
    env = django_env(path)
    _run([python, '-m', 'django', 'collectstatic', '--noinput',
          '--verbosity', '0'], log, 600, env)
    _run([python, '-m', 'django', 'compress', '--force',
          '--verbosity', '0'], log, 600, env)


def ensure_venv():
    """The path of a ready Horizon virtualenv, built once per key (under
    a lock, so parallel test runs build it once)."""
    path = venv_path()
    marker = os.path.join(path, '.manila-lite-ready')
    os.makedirs(CACHE, exist_ok=True)
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(marker):
            with open(path + '.build.log', 'wb') as log:
                _build(path, log)
            with open(marker, 'w') as f:
                f.write('%s %s\n' % (HORIZON, MANILA_UI))
    return path


class Horizon:
    """Horizon under ``runserver`` from the virtualenv at ``venv``."""

    def __init__(self, venv_dir, workdir, keystone_url):
        self.venv = venv_dir
        self.port = deploy.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.keystone_url = keystone_url
        self.log_path = os.path.join(str(workdir), 'horizon.log')
        self.process = None

    def start(self, timeout=60):
        argv = [os.path.join(self.venv, 'bin', 'python'), '-m', 'django',
                'runserver', '--noreload', '--insecure',
                '127.0.0.1:%d' % self.port]
        env = django_env(self.venv,
                         MANILA_LITE_HORIZON_KEYSTONE_URL=self.keystone_url)
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                stdin=subprocess.DEVNULL, start_new_session=True)

        def up():
            if self.process.poll() is not None:
                raise deploy.DaemonDied('horizon exited:\n%s'
                                        % self.log_tail())
            return requests.get(self.url + '/auth/login/',
                                timeout=10).status_code == 200

        deploy.wait_for(up, timeout, interval=0.3,
                        message='horizon at %s' % self.url)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, size=deploy.MAX_LOG_TAIL):
        return deploy.log_tail(self.log_path, size)


@contextlib.contextmanager
def running(horizon):
    try:
        horizon.start()
        yield horizon
    finally:
        horizon.stop()


class Browser:
    """Headless Chromium on one Horizon, through chromedriver."""

    def __init__(self, base_url, screenshot_dir):
        from selenium import webdriver
        from selenium.webdriver.chrome import service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu',
                    '--disable-dev-shm-usage', '--window-size=1400,1000'):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(
            service=service.Service(executable_path=CHROMEDRIVER),
            options=options)
        self.driver.implicitly_wait(0)
        self.base_url = base_url
        self.screenshot_dir = str(screenshot_dir)

    def quit(self):
        self.driver.quit()

    # -- pages ----------------------------------------------------------------

    def open(self, path):
        self.driver.get(self.base_url + path)

    @property
    def path(self):
        return self.driver.current_url[len(self.base_url):]

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css='body'):
        return '\n'.join(e.text for e in self.find(css))

    def alerts(self):
        """The texts of the messages Horizon shows on this page."""
        return [e.text for e in self.find('.alert') if e.text]

    def wait(self, predicate, timeout=30, message='the page'):
        return deploy.wait_for(predicate, timeout, interval=0.3,
                               message=message)

    def login(self, username, password):
        self.driver.delete_all_cookies()
        self.open('/auth/login/')
        self.find('#id_username')[0].send_keys(username)
        self.find('#id_password')[0].send_keys(password)
        self.find('#loginBtn')[0].click()
        self.wait(lambda: '/auth/login' not in self.path,
                  message='%s to be logged in' % username)

    def fill(self, fields):
        """Type or choose each ``{field name: value}`` of the form shown,
        and submit it."""
        from selenium.webdriver.support import select
        form = self.wait(lambda: [f for f in self.find('form')
                                  if f.is_displayed() and
                                  f.find_elements('css selector',
                                                  '[type=submit]')],
                         message='a form')[-1]
        for name, value in fields.items():
            field = form.find_element('css selector', '[name=%s]' % name)
            if field.tag_name == 'select':
                select.Select(field).select_by_visible_text(value)
            else:
                field.clear()
                field.send_keys(value)
        form.find_element('css selector', '[type=submit]').click()

    def row(self, table, text):
        """The row of ``table`` (its id) that shows ``text``, or None."""
        for row in self.find('table#%s tbody tr' % table):
            if text in row.text:
                return row
        return None

    def wait_for_row(self, path, table, text, shows, timeout=60):
        """Reload ``path`` until the row showing ``text`` shows ``shows``
        too; that row's object id."""
        def found():
            self.open(path)
            row = self.row(table, text)
            return row is not None and shows in row.text and \
                row.get_attribute('data-object-id')

        return self.wait(found, timeout, message='%r in %s to show %r'
                         % (text, path, shows))

    def delete_row(self, path, table, object_id):
        """Tick the row and confirm the table's Delete button."""
        self.open(path)
        # Horizon's themed checkbox: the box drawn is the label.
        box = self.find('table#%s tr[data-object-id="%s"] input'
                        '[type=checkbox]' % (table, object_id))[0]
        self.find('label[for="%s"]' % box.get_attribute('id'))[0].click()
        self.find('#%s__action_delete' % table)[0].click()
        confirm = self.wait(lambda: [b for b in self.find('.modal-footer '
                                                          '.btn-danger')
                                     if b.is_displayed()],
                            message='the confirmation dialog')
        confirm[0].click()
        self.wait(lambda: not [m for m in self.find('.modal')
                               if m.is_displayed()] and
                  self.driver.execute_script(
                      'return document.readyState') == 'complete',
                  message='the deletion to be sent')

    def screenshot(self, name):
        os.makedirs(self.screenshot_dir, exist_ok=True)
        path = os.path.join(self.screenshot_dir, '%s-%s.png' % (
            time.strftime('%H%M%S'), name))
        self.driver.save_screenshot(path)
        with open(path[:-4] + '.html', 'w') as f:
            f.write(self.driver.page_source)
        return path
