"""A real Keystone for the identity tests, installed from PyPI.

:class:`Keystone` is a directory (keystone.conf, a SQLite database, fernet
and credential key repositories, a log) and one process serving Keystone's
WSGI application on a free loopback port under cheroot, set up the way an
operator does it: ``keystone-manage db_sync``, ``fernet_setup``,
``credential_setup`` and ``bootstrap`` (admin user, project and role,
region, identity endpoint).

:meth:`Keystone.populate` then adds what the tests act as -- two projects,
each with a member and a reader, a service user for keystonemiddleware --
and registers manila-lite in the catalog under service type ``sharev2``.

Run as a module, this file is that server process::

    python -m manila_lite.tests.functional.keystone serve KEYSTONE_CONF PORT
"""

import importlib.util
import json
import os
import subprocess
import sys

import requests

from manila_lite.devtools import deployment as deploy

PASSWORD = 'secret-password'
REGION = 'RegionOne'
DOMAIN = 'default'
SERVICE_PROJECT = 'service'
SERVICE_USER = 'manila-lite'
# persona -> (user, project, role); bootstrap made the admin.
PERSONAS = {
    'admin': ('admin', 'admin', 'admin'),
    'member': ('alpha-member', 'alpha', 'member'),
    'reader': ('alpha-reader', 'alpha', 'reader'),
    'other': ('beta-member', 'beta', 'member'),
}


def installed():
    """Whether Keystone can be run here. Looked up, not imported:
    importing keystone.conf changes oslo.messaging's option defaults
    (control_exchange) for every later user in this process."""
    if importlib.util.find_spec('keystone') is None:
        return False
    return os.path.exists(deploy.executable('keystone-manage'))


class Keystone:
    """Keystone's config, state and server process in ``workdir``."""

    def __init__(self, workdir, database_url=None):
        """``database_url``: Keystone's database; SQLite in ``workdir``
        by default, which serves one writer at a time (enough for the
        identity tests, not for tempest's parallel workers creating and
        deleting users)."""
        self.workdir = str(workdir)
        self.database_url = database_url
        self.port = deploy.free_port()
        self.url = 'http://127.0.0.1:%d/v3' % self.port
        self.config_path = os.path.join(self.workdir, 'keystone.conf')
        self.log_path = os.path.join(self.workdir, 'keystone.log')
        self.process = None
        self.project_ids = {}
        self._sessions = {}

    # -- life cycle ---------------------------------------------------------

    def write_config(self):
        state = {name: os.path.join(self.workdir, name)
                 for name in ('fernet-keys', 'credential-keys')}
        for path in state.values():
            os.makedirs(path, exist_ok=True)
        with open(self.config_path, 'w') as f:
            f.write(deploy.render_config({
                'DEFAULT': {'log_file': self.log_path},
                'database': {'connection': self.database_url or
                             'sqlite:///%s' % os.path.join(
                                 self.workdir, 'keystone.sqlite')},
                'token': {'provider': 'fernet', 'expiration': 3600},
                'fernet_tokens': {'key_repository': state['fernet-keys']},
                'credential': {'key_repository': state['credential-keys']},
                # Test passwords need no expensive hashing.
                'identity': {'password_hash_rounds': 4},
                # Without a cache every token validation rebuilds the
                # token from the database: ten times slower.
                'cache': {'enabled': True,
                          'backend': 'dogpile.cache.memory'},
            }))

    def bootstrap(self):
        """keystone-manage db_sync, fernet_setup, credential_setup and
        bootstrap, run in one process (see :func:`manage`): importing
        Keystone costs more than the work itself."""
        ids = ['--keystone-user', str(os.getuid()),
               '--keystone-group', str(os.getgid())]
        commands = [
            ['db_sync'], ['fernet_setup'] + ids, ['credential_setup'] + ids,
            ['bootstrap', '--bootstrap-password', PASSWORD,
             '--bootstrap-region-id', REGION,
             '--bootstrap-admin-url', self.url,
             '--bootstrap-internal-url', self.url,
             '--bootstrap-public-url', self.url]]
        argv = [sys.executable, '-m', __name__, 'manage', self.config_path,
                json.dumps(commands)]
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            raise RuntimeError('keystone-manage failed (%s):\n%s\n%s' % (
                result.returncode, result.stdout[-3000:],
                result.stderr[-3000:]))

    def start(self, timeout=120):
        self.write_config()
        self.bootstrap()
        with open(self.log_path + '.stdout', 'ab') as log:
            self.process = subprocess.Popen(
                [sys.executable, '-m', __name__, 'serve', self.config_path,
                 str(self.port)],
                stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)

        def up():
            if self.process.poll() is not None:
                raise deploy.DaemonDied('keystone exited:\n%s'
                                        % self.log_tail())
            return requests.get(self.url, timeout=5).status_code == 200

        deploy.wait_for(up, timeout, interval=0.1, message='keystone at %s'
                        % self.url)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, size=deploy.MAX_LOG_TAIL):
        text = ''
        for path in (self.log_path, self.log_path + '.stdout'):
            try:
                with open(path, 'rb') as log:
                    log.seek(0, os.SEEK_END)
                    log.seek(max(log.tell() - size, 0))
                    text += '--- %s ---\n%s\n' % (
                        path, log.read().decode(errors='replace'))
            except OSError:
                pass
        return text

    # -- sessions and clients -----------------------------------------------

    def auth(self, persona=None, user=None, project=None, **scope):
        """A keystoneauth password plugin: a persona's, or the given
        user's in ``project`` (or with ``system_scope='all'``)."""
        from keystoneauth1.identity import v3
        if persona is not None:
            user, project, _role = PERSONAS[persona]
        if project is not None:
            scope.update(project_name=project, project_domain_id=DOMAIN)
        return v3.Password(auth_url=self.url, username=user,
                           password=PASSWORD, user_domain_id=DOMAIN,
                           **scope)

    def session(self, persona='admin'):
        """A keystoneauth session of ``persona``, kept for reuse."""
        from keystoneauth1 import session
        if persona not in self._sessions:
            self._sessions[persona] = session.Session(
                auth=self.auth(persona))
        return self._sessions[persona]

    def keystoneclient(self):
        from keystoneclient.v3 import client
        return client.Client(session=self.session('admin'),
                             interface='public', region_name=REGION)

    # -- what the tests act as ------------------------------------------------

    def populate(self, manila_endpoint):
        """Projects, users and roles of the personas, the service user,
        and manila-lite's catalog entry."""
        ks = self.keystoneclient()
        roles = {role.name: role for role in ks.roles.list()}
        projects = {name: ks.projects.create(name, DOMAIN)
                    for name in ('alpha', 'beta', SERVICE_PROJECT)}
        self.project_ids = {name: p.id for name, p in projects.items()}
        wanted = [(user, project, role)
                  for user, project, role in PERSONAS.values()
                  if user != 'admin']
        wanted.append((SERVICE_USER, SERVICE_PROJECT, 'service'))
        for user_name, project, role in wanted:
            user = ks.users.create(user_name, domain=DOMAIN,
                                   password=PASSWORD)
            ks.roles.grant(roles[role], user=user, project=projects[project])
        service = ks.services.create('manila-lite', 'sharev2',
                                     description='manila-lite')
        ks.endpoints.create(service, manila_endpoint + '/v2/$(project_id)s',
                            interface='public', region=REGION)
        # Tokens issued before carry a catalog without manila-lite.
        self._sessions.clear()

    def authtoken_options(self):
        """manila-lite's [keystone_authtoken] section."""
        return {
            'www_authenticate_uri': self.url,
            'auth_url': self.url,
            'auth_type': 'password',
            'username': SERVICE_USER,
            'password': PASSWORD,
            'project_name': SERVICE_PROJECT,
            'user_domain_id': DOMAIN,
            'project_domain_id': DOMAIN,
            'region_name': REGION,
            'service_type': 'sharev2',
        }


def manage(config_path, commands):
    """Each of ``commands`` as ``keystone-manage --config-file config_path
    <command>`` would run it, in this one process."""
    from keystone.cmd import cli
    for command in commands:
        cli.CONF.clear()
        cli.main(['keystone-manage', '--config-file', config_path]
                 + command)


def serve(config_path, port):
    """Keystone's WSGI application under cheroot, until terminated."""
    from cheroot import wsgi

    os.environ['OS_KEYSTONE_CONFIG_FILES'] = config_path
    # Keystone parses the command line as its own; it is not ours to give.
    sys.argv = sys.argv[:1]
    from keystone.server import wsgi as keystone_wsgi
    server = wsgi.Server(('127.0.0.1', port),
                         keystone_wsgi.initialize_public_application(),
                         numthreads=16, server_name='keystone')
    server.safe_start()


if __name__ == '__main__':
    if sys.argv[1] == 'manage':
        manage(sys.argv[2], json.loads(sys.argv[3]))
    else:
        serve(sys.argv[2], int(sys.argv[3]))
