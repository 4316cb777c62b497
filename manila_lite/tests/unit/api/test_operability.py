"""What operators and load balancers see of the API: one log line per
request, whoever answered it, and /healthcheck."""

import logging

import pytest
import webtest

from manila_lite.api import app as api_app
from manila_lite import conf
from manila_lite import rpc
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
# Refused at once by the kernel: nothing listens on port 1.
DEAD_BROKER = 'rabbit://guest:guest@127.0.0.1:1/'


@pytest.fixture
def transport():
    rpc.set_transport_default('fake:/')

    def use(url):
        CONF.set_override('transport_url', url)
    yield use
    CONF.clear_override('transport_url')


@pytest.fixture
def keystone_app(database):
    """The API behind keystonemiddleware; no Keystone is needed to refuse
    a request without a token."""
    from keystonemiddleware.auth_token import _opts as keystone_opts
    for group, opts in keystone_opts.list_opts():
        CONF.register_opts(opts, group=group)
    CONF.set_override('auth_strategy', 'keystone')
    CONF.set_override('www_authenticate_uri', 'http://127.0.0.1:1/identity',
                      group='keystone_authtoken')
    yield webtest.TestApp(api_app.build_app())
    CONF.clear_override('auth_strategy')
    CONF.clear_override('www_authenticate_uri', group='keystone_authtoken')


def request_lines(caplog):
    return [r for r in caplog.records
            if r.name == 'manila_lite.api.app' and ' status: ' in r.message]


@pytest.mark.parametrize('path, headers, status', [
    ('/v2/%s/shares' % PROJECT, {}, 401),
    ('/v2/%s/shares' % PROJECT, {'X-Auth-Token': ''}, 401),
    ('/', {}, 300),
])
def test_every_request_logged_once_with_status(keystone_app, caplog, path,
                                               headers, status):
    caplog.set_level(logging.INFO, logger='manila_lite.api.app')
    response = keystone_app.get(path, headers=headers, expect_errors=True)
    assert response.status_int == status
    (line,) = request_lines(caplog)
    assert line.levelno == logging.INFO
    assert line.message.startswith('GET %s status: %s ' % (path, status))


def test_request_line_of_an_answered_request(api, caplog):
    caplog.set_level(logging.INFO, logger='manila_lite.api.app')
    api.get('/shares?limit=1', version='2.9', status=200)
    (line,) = request_lines(caplog)
    assert line.message.startswith('GET /v2/shares?limit=1 status: 200 '
                                   'len: ')


def test_request_line_of_a_path_that_is_not_utf8(api, caplog):
    caplog.set_level(logging.INFO, logger='manila_lite.api.app')
    api.get('/shares/%ff%fe', version='2.9')
    (line,) = request_lines(caplog)
    assert line.message.startswith('GET /v2/shares/%FF%FE status: ')


def test_healthcheck_is_public_and_logged_at_debug(keystone_app, transport,
                                                   caplog):
    transport('fake:/')
    caplog.set_level(logging.DEBUG, logger='manila_lite.api.app')
    response = keystone_app.get('/healthcheck')
    assert response.status_int == 200
    assert response.text.splitlines() == ['Database OK', 'Message broker OK']
    (line,) = request_lines(caplog)
    assert line.levelno == logging.DEBUG


@pytest.mark.parametrize('headers, detailed', [
    ({}, False),
    ({'X-Auth-Token': 'someone:%s' % PROJECT, 'X-Roles': 'member,reader'},
     False),
    ({'X-Auth-Token': 'admin:%s' % PROJECT}, True),
])
def test_healthcheck_details_for_admins_only(api, transport, headers,
                                             detailed):
    transport('fake:/')
    headers['Accept'] = 'application/json'
    response = api.app.get('/healthcheck', headers=headers)
    assert response.status_int == 200
    assert response.json['detailed'] is detailed
    if detailed:
        assert [r['reason'] for r in response.json['reasons']] == [
            'Database OK', 'Message broker OK']
        assert 'threads' in response.json
    else:
        assert response.json['reasons'] == ['Database OK',
                                            'Message broker OK']


def test_healthcheck_unreachable_broker_answers_503(api, transport):
    transport(DEAD_BROKER)
    app = webtest.TestApp(api_app.build_app())
    response = app.get('/healthcheck', headers={
        'X-Auth-Token': 'admin:%s' % PROJECT, 'Accept': 'application/json'},
        expect_errors=True)
    assert response.status_int == 503
    reasons = {r['reason']: r['details'] for r in response.json['reasons']}
    assert 'Database OK' in reasons
    assert '127.0.0.1:1' in reasons['Message broker unreachable']
    assert app.head('/healthcheck', expect_errors=True).status_int == 503


def test_only_nfs_and_cifs_are_enabled_by_default(api):
    assert CONF.enabled_share_protocols == ['NFS', 'CIFS']
    refused = api.post('/shares', {'share': {'share_proto': 'GLUSTERFS',
                                             'size': 1}},
                       version='2.9', role='member', status=400)
    assert 'enabled protocols are NFS, CIFS' in refused.text
