"""Real manila-lite deployments, and their clients: what the functional
tests and the benchmarks start.

A :class:`Deployment` is a directory (config file, state, one log per
daemon) plus the daemons started from it as subprocesses, exactly as an
operator would run them. Tests talk to it only through the clients users
have: python-manilaclient, openstacksdk and the ``openstack`` CLI, all
without keystone (manila-lite's noauth takes ``X-Auth-Token: user:project``
and every caller is an administrator). Nothing here needs pytest: the
deployments the tests share, on throwaway databases that skip a test when
their server is missing, are in manila_lite/tests/functional/testbed.py.

* manilaclient: ``client.Client(version, input_auth_token='user:project',
  service_catalog_url='http://HOST:PORT/v2/project')``
* openstacksdk: ``openstack.connection.Connection(auth_type='admin_token',
  auth={'endpoint': URL, 'token': 'user:project'},
  shared_file_system_endpoint_override=URL + '/v2/project')``
* CLI: ``openstack --os-auth-type admin_token --os-endpoint URL
  --os-token user:project --os-endpoint-override URL/v2/project share ...``
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import requests

ADMIN = 'admin'
MAX_LOG_TAIL = 6000


def free_port():
    """A TCP port nobody listens on right now (a race we accept)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def executable(name):
    """A console script of the environment running the tests."""
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.path.exists(beside) else (shutil.which(name) or name)


def log_tail(path, size=MAX_LOG_TAIL):
    """The last ``size`` bytes of a log, or '' when there is none yet."""
    try:
        with open(path, 'rb') as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(log.tell() - size, 0))
            return log.read().decode(errors='replace')
    except OSError:
        return ''


class DaemonDied(Exception):
    """No use waiting any longer: a daemon is gone."""


def wait_for(predicate, timeout, interval=0.25, message='condition'):
    """Poll ``predicate`` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = predicate()
            if result:
                return result
        except DaemonDied:
            raise
        except Exception as err:  # the thing polled may not be up yet
            last_error = err
        if time.monotonic() >= deadline:
            raise TimeoutError('Timed out after %ss waiting for %s%s' % (
                timeout, message,
                ' (last error: %r)' % last_error if last_error else ''))
        time.sleep(interval)


def render_config(sections):
    """oslo.config text from {section: {option: value}}."""
    lines = []
    for section, options in sections.items():
        lines.append('[%s]' % section)
        for key, value in options.items():
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, dict):
                value = ','.join('%s:%s' % item for item in value.items())
            elif isinstance(value, (list, tuple)):
                value = ','.join(str(v) for v in value)
            lines.append('%s = %s' % (key, value))
        lines.append('')
    return '\n'.join(lines)


class Daemon:
    """One manila-lite daemon; its output (the oslo.log) goes to a file.

    Each daemon leads its own process group, so stopping it also stops
    what it forked (gunicorn workers) and nothing else.
    """

    def __init__(self, name, binary, config_path, log_path):
        self.name = name
        self.argv = [executable(binary), '--config-file', config_path]
        self.log_path = log_path
        self.process = None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self):
        assert not self.running, '%s is already running' % self.name
        with open(self.log_path, 'ab') as log:
            log.write(('\n==== starting %s at %s ====\n' % (
                ' '.join(self.argv), time.strftime('%X'))).encode())
            log.flush()
            self.process = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)

    def _signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout=20):
        """SIGTERM, and SIGKILL whatever is still there after ``timeout``."""
        if self.process is None:
            return
        if self.running:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # Gunicorn workers may outlive their master for a moment.
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def kill(self):
        """kill -9: no clean-up, no goodbye, as a crashed node."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def log_tail(self, size=MAX_LOG_TAIL):
        return log_tail(self.log_path, size)


class Deployment:
    """Config, state and daemons of one manila-lite deployment.

    ``daemons`` maps a short name ('all', 'api', 'scheduler', 'share') to
    the console script started for it; ``pools`` is how many pools the
    scheduler must know before the deployment counts as ready.
    """

    def __init__(self, workdir, config, daemons, pools, port):
        self.workdir = str(workdir)
        self.port = port
        self.endpoint = 'http://127.0.0.1:%d' % port
        self.expected_pools = pools
        self.config = config
        self.config_path = os.path.join(self.workdir, 'manila-lite.conf')
        os.makedirs(os.path.join(self.workdir, 'logs'), exist_ok=True)
        self.write_config()
        self.daemons = {
            name: Daemon(name, binary, self.config_path,
                         os.path.join(self.workdir, 'logs', name + '.log'))
            for name, binary in daemons.items()}
        self.api_version = None

    # -- life cycle ---------------------------------------------------------

    def write_config(self):
        with open(self.config_path, 'w') as f:
            f.write(render_config(self.config))

    @property
    def logs(self):
        return {name: d.log_path for name, d in self.daemons.items()}

    def manage(self, *args):
        """Run manila-lite-manage against this deployment's config."""
        argv = [executable('manila-lite-manage'), '--config-file',
                self.config_path] + list(args)
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            raise RuntimeError('%s failed (%s):\n%s\n%s' % (
                ' '.join(argv), result.returncode, result.stdout,
                result.stderr))
        return result.stdout

    def start(self, *names, timeout=90):
        for name in names or self.daemons:
            self.daemons[name].start()
        self.wait_until_ready(timeout)

    def stop(self, *names):
        # In the reverse of the start order.
        for name in reversed(names or list(self.daemons)):
            self.daemons[name].stop()

    def kill(self, name):
        self.daemons[name].kill()

    def restart(self, *names, timeout=90):
        self.stop(*names)
        self.start(*names, timeout=timeout)

    def check_alive(self):
        dead = [n for n, d in self.daemons.items() if not d.running]
        if dead:
            raise DaemonDied('manila-lite daemon(s) %s died:\n%s' % (
                ', '.join(dead), self.log_tails(dead)))

    def log_tails(self, names=None):
        return '\n'.join('--- %s (%s) ---\n%s' % (
            name, self.daemons[name].log_path, self.daemons[name].log_tail())
            for name in names or self.daemons)

    def wait_until_ready(self, timeout=90):
        """The API answers and the scheduler knows every pool."""
        def api_up():
            self.check_alive()
            response = requests.get(self.endpoint + '/', timeout=5)
            return response.status_code in (200, 300) and response

        try:
            root = wait_for(api_up, timeout, message='the API at %s'
                            % self.endpoint)
            self.api_version = max(
                (v['version'] for v in root.json()['versions']),
                key=lambda text: tuple(int(p) for p in text.split('.')))
            wait_for(lambda: (self.check_alive() or
                              len(self.pools()) >= self.expected_pools),
                     timeout, interval=0.5,
                     message='%d pools in the scheduler'
                             % self.expected_pools)
        except DaemonDied:
            raise
        except Exception as err:
            raise RuntimeError('%s\n%s' % (err, self.log_tails())) from err

    # -- clients ------------------------------------------------------------

    def project_url(self, project=ADMIN):
        return '%s/v2/%s' % (self.endpoint, project)

    def request(self, method, path, project=ADMIN, user=ADMIN, **kwargs):
        """A raw API call, for what no client exposes."""
        headers = {'X-Auth-Token': '%s:%s' % (user, project),
                   'X-OpenStack-Manila-API-Version': self.api_version,
                   'Accept': 'application/json'}
        headers.update(kwargs.pop('headers', {}))
        return requests.request(method, self.project_url(project) + path,
                                headers=headers, timeout=30, **kwargs)

    def pools(self):
        response = self.request('GET', '/scheduler-stats/pools')
        response.raise_for_status()
        return response.json()['pools']

    def client_version(self):
        """The highest version both the server and python-manilaclient
        know (the server may be ahead, e.g. 2.100)."""
        from manilaclient import api_versions
        return min((self.api_version, api_versions.MAX_VERSION),
                   key=lambda text: tuple(int(p) for p in text.split('.')))

    def manila(self, project=ADMIN, user=ADMIN, version=None):
        """A python-manilaclient v2 client acting as ``user`` in
        ``project``; by default at ``client_version()``."""
        from manilaclient import client
        return client.Client(version or self.client_version(),
                             input_auth_token='%s:%s' % (user, project),
                             service_catalog_url=self.project_url(project),
                             timeout=30)

    def sdk(self, project=ADMIN, user=ADMIN):
        """An openstacksdk connection; noauth token, no catalog."""
        import openstack.connection
        return openstack.connection.Connection(
            auth_type='admin_token',
            auth={'endpoint': self.endpoint,
                  'token': '%s:%s' % (user, project)},
            shared_file_system_endpoint_override=self.project_url(project),
            shared_file_system_api_version='2',
            region_name='RegionOne')

    def cli_argv(self, project=ADMIN, user=ADMIN):
        return [executable('openstack'),
                '--os-auth-type', 'admin_token',
                '--os-endpoint', self.endpoint,
                '--os-token', '%s:%s' % (user, project),
                '--os-endpoint-override', self.project_url(project)]

    def cli(self, *args, project=ADMIN, user=ADMIN, timeout=120):
        """Run ``openstack <args>``; parsed JSON when ``-f json`` is in
        args, else the output text. Raises CliError on a non-zero exit."""
        argv = self.cli_argv(project, user) + list(args)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, env=env)
        if result.returncode != 0:
            raise CliError(argv, result)
        if '-f' in args and args[list(args).index('-f') + 1] == 'json':
            return json.loads(result.stdout or 'null')
        return result.stdout


class CliError(Exception):
    def __init__(self, argv, result):
        super().__init__('%s exited %s\nstdout: %s\nstderr: %s' % (
            ' '.join(argv), result.returncode, result.stdout,
            result.stderr))
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr


# -- the two deployment shapes ----------------------------------------------

def base_options(workdir, port, name):
    return {
        'host': 'functional-%s' % name,
        'state_path': os.path.join(str(workdir), 'state'),
        'osapi_share_listen': '127.0.0.1',
        'osapi_share_listen_port': port,
        'report_interval': 1,
        'periodic_interval': 1,
        'service_down_time': 10,
        'debug': os.environ.get('MANILA_LITE_TEST_DEBUG', 'false'),
    }


def fake_backend(workdir, name, pools=('pool_a', 'pool_b'), **extra):
    options = {
        'share_driver': 'fake',
        'share_backend_name': name,
        'fake_pools': list(pools),
        'fake_state_file': os.path.join(str(workdir), 'state',
                                        'fake-%s.json' % name),
    }
    options.update(extra)
    return options


def all_in_one(workdir, fail_share_names=(), **backend_options):
    """manila-lite-all with its embedded defaults: SQLite, in-process
    messaging, noauth; one fake backend with two pools."""
    port = free_port()
    default = base_options(workdir, port, 'aio')
    default['enabled_share_backends'] = 'fake'
    config = {
        'DEFAULT': default,
        'fake': fake_backend(workdir, 'fake',
                             fake_fail_share_names=list(fail_share_names),
                             **backend_options),
    }
    return Deployment(workdir, config, {'all': 'manila-lite-all'}, pools=2,
                      port=port)


def split(workdir, database_url, transport_url, name, backends=None,
          fail_share_names=(), options=None, daemon_options=None):
    """manila-lite-api (gunicorn, 2 workers), -scheduler and -share as
    separate processes on a real database and RabbitMQ.

    ``backends`` maps backend name -> extra options of that fake backend;
    by default two backends, 'alpha' and 'beta', with two pools each.
    Topics and the exchange carry ``name`` so that deployments sharing a
    broker never take each other's messages. ``daemon_options`` maps a
    daemon ('api', 'scheduler', 'share') to [DEFAULT] options only it
    reads, from a second config file.
    """
    port = free_port()
    backends = backends or {'alpha': {}, 'beta': {}}
    default = base_options(workdir, port, name)
    default.update({
        'auth_strategy': 'noauth',
        'osapi_share_workers': 2,
        'transport_url': transport_url,
        'control_exchange': 'manila-lite-%s' % name,
        'scheduler_topic': 'manila-scheduler-%s' % name,
        'share_topic': 'manila-share-%s' % name,
        'default_share_type': 'default',
        'enabled_share_backends': list(backends),
    })
    default.update(options or {})
    config = {'DEFAULT': default, 'database': {'connection': database_url}}
    for backend, extra in backends.items():
        options = {'fake_fail_share_names': list(fail_share_names)}
        options.update(extra)
        config[backend] = fake_backend(workdir, backend, **options)
    deployment = Deployment(workdir, config,
                            {'api': 'manila-lite-api',
                             'scheduler': 'manila-lite-scheduler',
                             'share': 'manila-lite-share'},
                            pools=2 * len(backends), port=port)
    for daemon, extra in (daemon_options or {}).items():
        path = os.path.join(str(workdir), '%s-only.conf' % daemon)
        with open(path, 'w') as f:
            f.write(render_config({'DEFAULT': extra}))
        deployment.daemons[daemon].argv += ['--config-file', path]
    return deployment


@contextlib.contextmanager
def running(deployment):
    """Started, and stopped on the way out whatever happens."""
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


def ensure_default_share_type(deployment):
    """What an operator does once after installing: the default type."""
    manila = deployment.manila()
    if not any(t.name == 'default' for t in manila.share_types.list()):
        manila.share_types.create(
            'default', spec_driver_handles_share_servers=False,
            is_public=True)


# -- waiting on shares through python-manilaclient ---------------------------

SETTLED = ('available', 'error')


def http_status(err):
    """The HTTP status of a client exception, whichever client raised it."""
    for name in ('http_status', 'status_code', 'code'):
        value = getattr(err, name, None)
        if isinstance(value, int):
            return value
    return None


def wait_for_share(manila, share_id, statuses=SETTLED, timeout=60):
    """The share once its status is one of ``statuses``."""
    statuses = (statuses,) if isinstance(statuses, str) else statuses
    seen = []

    def settled():
        share = manila.shares.get(share_id)
        if not seen or seen[-1] != share.status:
            seen.append(share.status)
        return share if share.status in statuses else None

    try:
        return wait_for(settled, timeout, interval=0.3,
                        message='share %s to be %s' % (share_id,
                                                       '/'.join(statuses)))
    except TimeoutError as err:
        raise TimeoutError('%s; statuses seen: %s' % (err, seen)) from None


def wait_for_share_gone(manila, share_id, timeout=60):
    from manilaclient import exceptions

    def gone():
        try:
            share = manila.shares.get(share_id)
        except exceptions.NotFound:
            return True
        assert share.status not in ('error_deleting',), share.status
        return False

    wait_for(gone, timeout, interval=0.3,
             message='share %s to be deleted' % share_id)


def quota_usage(manila, project):
    """{resource: in_use} from the quota-set detail of ``project``."""
    detail = manila.quotas.get(project, detail=True)
    return {name: value['in_use'] for name, value in detail._info.items()
            if isinstance(value, dict) and 'in_use' in value}


def wait_for_field(get, obj_id, values, field='status', what='resource',
                   timeout=60, interval=0.3):
    """What ``get(obj_id)`` returns once its ``field`` is one of
    ``values`` (a client's ``manager.get``)."""
    values = (values,) if isinstance(values, str) else tuple(values)

    def settled():
        found = get(obj_id)
        return found if getattr(found, field) in values else None

    return wait_for(settled, timeout, interval=interval,
                    message='%s %s to be %s' % (what, obj_id,
                                                '/'.join(values)))


def wait_for_gone(get, obj_id, what='resource', failed_status=None,
                  timeout=60, interval=0.3):
    """Until ``get(obj_id)`` answers 404; ``failed_status`` is not
    expected on the way."""
    from manilaclient import exceptions

    def gone():
        try:
            found = get(obj_id)
        except exceptions.NotFound:
            return True
        if failed_status is not None:
            assert found.status != failed_status, found.status
        return False

    wait_for(gone, timeout, interval=interval,
             message='%s %s to be deleted' % (what, obj_id))


def wait_for_rule(manila, access_id, states, timeout=60, interval=0.3):
    """The access rule once its state is one of ``states``."""
    return wait_for_field(manila.share_access_rules.get, access_id, states,
                          field='state', what='access rule',
                          timeout=timeout, interval=interval)


def wait_for_rule_gone(manila, access_id, timeout=60, interval=0.3):
    wait_for_gone(manila.share_access_rules.get, access_id,
                  what='access rule', timeout=timeout, interval=interval)
