"""Identity and tenant isolation through a real Keystone.

Keystone (installed from PyPI, SQLite, fernet tokens) and a manila-lite-all
with ``auth_strategy = keystone`` start once for this module's tests, which
run on one xdist worker. The personas are Keystone users with Keystone's
default roles: ``admin``; ``alpha-member`` and ``alpha-reader`` in project
alpha; ``beta-member`` in project beta. They use the clients users have:
python-manilaclient on a keystoneauth password session, openstacksdk
authenticating on its own, the ``openstack`` CLI, and plain HTTP for what
the clients hide (status codes, headers).
"""

import datetime
import time
import uuid

import pytest
import requests

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import keystone as ks
from manila_lite.tests.functional import services

pytestmark = pytest.mark.xdist_group('keystone')


class KeystoneDeployment(deploy.Deployment):
    """manila-lite-all behind keystonemiddleware; clients authenticate
    with Keystone as one of the personas of :mod:`keystone`."""

    def __init__(self, workdir, keystone):
        base = deploy.all_in_one(workdir)
        config = base.config
        config['DEFAULT']['auth_strategy'] = 'keystone'
        config['keystone_authtoken'] = keystone.authtoken_options()
        super().__init__(workdir, config, {'all': 'manila-lite-all'},
                         pools=base.expected_pools, port=base.port)
        self.keystone = keystone

    def project_id(self, persona):
        return self.keystone.session(persona).get_project_id()

    def request(self, method, path, persona='admin', token=None,
                project_id=None, **kwargs):
        """A raw API call with a persona's token (or ``token``)."""
        session = self.keystone.session(persona)
        headers = {'X-Auth-Token': token or session.get_token(),
                   'X-OpenStack-Manila-API-Version': self.api_version}
        headers.update(kwargs.pop('headers', {}))
        url = '%s/v2/%s%s' % (self.endpoint,
                              project_id or session.get_project_id(), path)
        return requests.request(method, url, headers=headers, timeout=30,
                                **kwargs)

    def manila(self, persona='admin', version=None):
        """python-manilaclient on the persona's keystoneauth session,
        finding manila-lite in the catalog."""
        from manilaclient import client
        return client.Client(version or self.client_version(),
                             session=self.keystone.session(persona),
                             service_type='sharev2',
                             region_name=ks.REGION)

    def sdk(self, persona='admin'):
        """openstacksdk authenticating with Keystone itself."""
        import openstack.connection
        user, project, _role = ks.PERSONAS[persona]
        return openstack.connection.Connection(
            auth_type='password',
            auth={'auth_url': self.keystone.url, 'username': user,
                  'password': ks.PASSWORD, 'project_name': project,
                  'user_domain_id': ks.DOMAIN,
                  'project_domain_id': ks.DOMAIN},
            region_name=ks.REGION, shared_file_system_api_version='2')

    def openstack(self, persona, *args):
        """``openstack <args>`` as the persona; the CompletedProcess."""
        import os
        import subprocess
        user, project, _role = ks.PERSONAS[persona]
        argv = [deploy.executable('openstack'),
                '--os-auth-url', self.keystone.url,
                '--os-username', user, '--os-password', ks.PASSWORD,
                '--os-project-name', project,
                '--os-user-domain-id', ks.DOMAIN,
                '--os-project-domain-id', ks.DOMAIN,
                '--os-region-name', ks.REGION] + list(args)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=120, env=env)


@pytest.fixture(scope='session')
def keystone_manila(tmp_path_factory):
    if not ks.installed():
        services.unavailable("Keystone is not installed (pip install "
                             "'.[test]' installs it from PyPI)")
    keystone = ks.Keystone(tmp_path_factory.mktemp('keystone'))
    manila = KeystoneDeployment(tmp_path_factory.mktemp('manila-keystone'),
                                keystone)
    try:
        # manila-lite starts while Keystone is set up; its readiness
        # check needs Keystone.
        for daemon in manila.daemons.values():
            daemon.start()
        keystone.start()
        keystone.populate(manila.endpoint)
        manila.wait_until_ready()
        deploy.ensure_default_share_type(manila)
        yield manila
    except Exception:
        print(keystone.log_tail())
        raise
    finally:
        manila.stop()
        keystone.stop()


def _status(err):
    return deploy.http_status(err)


def _name():
    return 'identity-%s' % uuid.uuid4().hex[:8]


def test_manilaclient_personas_and_tenant_isolation(keystone_manila):
    from manilaclient import exceptions

    member = keystone_manila.manila('member')
    reader = keystone_manila.manila('reader')
    other = keystone_manila.manila('other')
    admin = keystone_manila.manila('admin')
    alpha = keystone_manila.project_id('member')

    share = member.shares.create('NFS', 1, name=_name())
    share = deploy.wait_for_share(member, share.id, 'available')
    assert share.project_id == alpha

    # A reader of the project lists and shows, and changes nothing.
    assert share.id in [s.id for s in reader.shares.list()]
    assert reader.shares.get(share.id).name == share.name
    assert reader.share_export_locations.list(share.id)
    for attempt in (lambda: reader.shares.create('NFS', 1, name=_name()),
                    lambda: reader.shares.update(share.id,
                                                 display_name='x'),
                    lambda: reader.shares.delete(share.id)):
        with pytest.raises(exceptions.Forbidden):
            attempt()

    # Another project's member does not learn that the share exists.
    assert share.id not in [s.id for s in other.shares.list()]
    assert share.id not in [
        s.id for s in other.shares.list(search_opts={'all_tenants': 1})]
    for attempt in (lambda: other.shares.get(share.id),
                    lambda: other.shares.delete(share.id)):
        with pytest.raises(exceptions.NotFound):
            attempt()
    # Its export locations are refused outright, as Manila refuses them
    # (share:get checked against the private share).
    with pytest.raises(exceptions.Forbidden):
        other.share_export_locations.list(share.id)

    # Quotas: one's own project only; changing them is for admins.
    assert member.quotas.get(alpha).shares >= 1
    with pytest.raises(exceptions.Forbidden):
        other.quotas.get(alpha)
    with pytest.raises(exceptions.Forbidden):
        member.quotas.update(alpha, shares=100)
    admin.quotas.update(alpha, shares=100)
    assert member.quotas.get(alpha).shares == 100
    admin.quotas.delete(alpha)

    # Admin-only resources.
    for attempt in (member.services.list, member.pools.list,
                    lambda: member.shares.force_delete(share.id)):
        with pytest.raises(exceptions.Forbidden):
            attempt()
    assert admin.services.list()
    assert admin.pools.list()

    # The admin sees every project's shares when asking for them.
    assert share.id not in [s.id for s in admin.shares.list()]
    everyone = admin.shares.list(search_opts={'all_tenants': 1})
    assert share.id in [s.id for s in everyone]
    by_project = admin.shares.list(search_opts={'all_tenants': 1,
                                                'project_id': alpha})
    assert {s.project_id for s in by_project} == {alpha}

    member.shares.delete(share.id)
    deploy.wait_for_share_gone(member, share.id)


def test_openstacksdk_personas(keystone_manila):
    from openstack import exceptions

    member = keystone_manila.sdk('member')
    share = member.shared_file_system.create_share(
        name=_name(), size=1, share_protocol='NFS')
    try:
        member.shared_file_system.wait_for_status(
            share, 'available', failures=['error'], interval=0.5, wait=60)
        names = [s.name for s in member.shared_file_system.shares()]
        assert share.name in names

        reader = keystone_manila.sdk('reader')
        assert reader.shared_file_system.get_share(share.id).id == share.id
        with pytest.raises(exceptions.ForbiddenException):
            reader.shared_file_system.delete_share(share.id)

        other = keystone_manila.sdk('other')
        with pytest.raises(exceptions.NotFoundException):
            other.shared_file_system.get_share(share.id)
        assert share.id not in [s.id for s in
                                other.shared_file_system.shares()]

        with pytest.raises(exceptions.ForbiddenException):
            list(member.shared_file_system.storage_pools())
        admin = keystone_manila.sdk('admin')
        assert list(admin.shared_file_system.storage_pools())
        assert list(member.shared_file_system.availability_zones())
    finally:
        member.shared_file_system.delete_share(share.id)
        member.shared_file_system.wait_for_delete(share, interval=0.5,
                                                  wait=60)


def test_cli_reader_lists_but_cannot_create(keystone_manila):
    listed = keystone_manila.openstack('reader', 'share', 'list', '-f',
                                       'json')
    assert listed.returncode == 0, listed.stderr
    created = keystone_manila.openstack('reader', 'share', 'create', 'NFS',
                                        '1', '--name', _name())
    assert created.returncode != 0
    assert '403' in created.stderr or 'orbidden' in created.stderr, \
        created.stderr


def test_missing_and_invalid_tokens_401(keystone_manila):
    url = keystone_manila.endpoint + '/v2/shares'
    missing = requests.get(url, timeout=30)
    assert missing.status_code == 401
    assert keystone_manila.keystone.url in \
        missing.headers['WWW-Authenticate']
    invalid = requests.get(url, headers={'X-Auth-Token': 'not-a-token'},
                           timeout=30)
    assert invalid.status_code == 401
    assert invalid.headers['x-openstack-request-id'].startswith('req-')
    # Version discovery needs no token.
    assert requests.get(keystone_manila.endpoint + '/',
                        timeout=30).status_code == 300


def test_expired_token_401(keystone_manila):
    """A token capped by an application credential that expires in a few
    seconds: accepted, then refused once expired."""
    from keystoneauth1.identity import v3
    from keystoneauth1 import session
    from keystoneclient.v3 import client

    keystone = keystone_manila.keystone
    member_session = keystone.session('member')
    expires = (datetime.datetime.now(datetime.timezone.utc)
               + datetime.timedelta(seconds=6))
    credential = client.Client(session=member_session).\
        application_credentials.create(
            _name(), user=member_session.get_user_id(),
            expires_at=expires.replace(tzinfo=None))
    short = session.Session(auth=v3.ApplicationCredential(
        auth_url=keystone.url, application_credential_id=credential.id,
        application_credential_secret=credential.secret))
    token = short.get_token()
    expires_at = short.auth.get_access(short).expires
    assert expires_at <= expires + datetime.timedelta(seconds=1)

    assert keystone_manila.request('GET', '/shares', persona='member',
                                   token=token).status_code == 200
    time.sleep(max(0.0, (expires_at - datetime.datetime.now(
        datetime.timezone.utc)).total_seconds()) + 1.5)
    assert keystone_manila.request('GET', '/shares', persona='member',
                                   token=token).status_code == 401


def test_system_scoped_token_403(keystone_manila):
    """No action accepts a system-scoped token, as in Manila."""
    from keystoneauth1 import session
    keystone = keystone_manila.keystone
    system = session.Session(auth=keystone.auth(
        user='admin', system_scope='all'))
    headers = {'X-Auth-Token': system.get_token(),
               'X-OpenStack-Manila-API-Version': keystone_manila.api_version}
    for path in ('/v2/shares', '/v2/services'):
        response = requests.get(keystone_manila.endpoint + path,
                                headers=headers, timeout=30)
        assert response.status_code == 403, (path, response.text)


def test_another_projects_url_400(keystone_manila):
    beta = keystone_manila.project_id('other')
    response = keystone_manila.request('GET', '/shares', persona='member',
                                       project_id=beta)
    assert response.status_code == 400


def test_request_id_is_returned_and_logged_with_the_caller(keystone_manila):
    response = keystone_manila.request('GET', '/shares?limit=1',
                                       persona='member')
    assert response.status_code == 200
    request_id = response.headers['x-openstack-request-id']
    assert response.headers['x-compute-request-id'] == request_id
    member = keystone_manila.keystone.session('member')
    log_path = keystone_manila.daemons['all'].log_path

    def logged():
        with open(log_path) as log:
            return [line for line in log if request_id in line]

    lines = deploy.wait_for(logged, 10, message='request %s in the log'
                            % request_id)
    assert any(member.get_user_id() in line and
               member.get_project_id() in line and
               'status: 200' in line for line in lines), lines


def test_refused_request_is_logged_with_its_status(keystone_manila):
    """keystonemiddleware answers 401 itself; the request line is still
    in the API's log."""
    marker = uuid.uuid4().hex
    project = keystone_manila.project_id('member')
    path = '/v2/%s/shares?name=%s' % (project, marker)
    refused = requests.get(keystone_manila.endpoint + path, timeout=30,
                           headers={'X-Auth-Token': 'not-a-token'})
    assert refused.status_code == 401
    log = keystone_manila.daemons['all']
    lines = deploy.wait_for(
        lambda: [line for line in log.log_tail(10 ** 6).splitlines()
                 if marker in line],
        10, message='the request line of %s' % path)
    assert len(lines) == 1
    assert 'GET %s status: 401 ' % path in lines[0]


@pytest.mark.parametrize('persona, token, detailed', [
    (None, None, False),
    (None, 'not-a-token', False),
    ('member', None, False),
    ('admin', None, True),
])
def test_healthcheck_without_token_detailed_for_admins(
        keystone_manila, persona, token, detailed):
    headers = {'Accept': 'application/json'}
    if persona:
        headers['X-Auth-Token'] = keystone_manila.keystone.session(
            persona).get_token()
    elif token:
        headers['X-Auth-Token'] = token
    response = requests.get(keystone_manila.endpoint + '/healthcheck',
                            headers=headers, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body['detailed'] is detailed
    reasons = [r['reason'] if detailed else r for r in body['reasons']]
    assert reasons == ['Database OK', 'Message broker OK']
