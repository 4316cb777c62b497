"""Policy plumbing: registered rules, the oslopolicy tools, operator
overrides without a restart, request ids, scope and URL project checks.

Who may do what, action by action, is in test_policy_table.py.
"""

import ast
import logging
import os
import pathlib
import subprocess
import sys
import time

from oslo_context import context as o_context
from oslo_policy import policy as oslo_policy
import pytest

import manila_lite
from manila_lite import conf
from manila_lite import policies
from manila_lite import policy
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
PACKAGE = pathlib.Path(manila_lite.__file__).parent
REPO = PACKAGE.parent
CHECKERS = ('authorize', 'allowed')


def _registered():
    return {rule.name: rule for rule in policies.list_rules()}


def _checked_names():
    """(rule names, call sites with a computed name) of every policy check
    in the API package: calls of ``authorize``/``allowed`` whose action
    argument is a string literal."""
    names, computed = {}, []
    for path in sorted((PACKAGE / 'api').rglob('*.py')):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and
                    isinstance(node.func, ast.Attribute) and
                    node.func.attr in CHECKERS and len(node.args) >= 2):
                continue
            where = '%s:%d' % (path.relative_to(REPO), node.lineno)
            action = node.args[1]
            if isinstance(action, ast.Constant) and \
                    isinstance(action.value, str):
                names.setdefault(action.value, where)
            else:
                computed.append(where)
    return names, computed


def _literals():
    """Every string constant of the API package."""
    found = set()
    for path in (PACKAGE / 'api').rglob('*.py'):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_checked_action_is_registered():
    names, _computed = _checked_names()
    assert names, 'no policy checks found: has the API moved?'
    unregistered = {name: where for name, where in names.items()
                    if name not in _registered()}
    assert not unregistered, unregistered


def test_every_documented_rule_is_enforced_somewhere():
    """A documented default nobody checks would mislead operators."""
    documented = {name for name, rule in _registered().items()
                  if isinstance(rule, oslo_policy.DocumentedRuleDefault)}
    unused = documented - _literals()
    assert not unused, unused


def test_every_action_rule_is_documented_and_project_scoped():
    for name, rule in _registered().items():
        assert rule.description, name
        if ':' not in name:
            continue  # a persona of policies/base.py
        assert isinstance(rule, oslo_policy.DocumentedRuleDefault), name
        assert rule.operations, name
        assert rule.scope_types == ['project'], name
        # Written in terms of a persona, not of roles.
        assert rule.check_str.startswith('rule:'), (name, rule.check_str)


def test_unregistered_action_is_refused(api, admin_ctx):
    from manila_lite import exception
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(admin_ctx, 'share:no_such_action',
                         {'project_id': admin_ctx.project_id})


# -- the oslopolicy tools ----------------------------------------------------

def _tool(name, *args, env=None):
    binary = os.path.join(os.path.dirname(sys.executable), name)
    result = subprocess.run([binary if os.path.exists(binary) else name]
                            + list(args), capture_output=True, text=True,
                            cwd=str(REPO), timeout=120,
                            env=dict(os.environ, **(env or {})))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sample_generator(tmp_path):
    output = tmp_path / 'policy.yaml.sample'
    _tool('oslopolicy-sample-generator', '--config-file',
          'etc/manila-lite/manila-lite-policy-generator.conf',
          '--output-file', str(output))
    text = output.read_text()
    for name, rule in _registered().items():
        assert '#"%s": "%s"' % (name, rule.check_str) in text, name
    assert '# DELETE  /shares/{share_id}' in text


def test_policy_generator_merges_the_operators_file(tmp_path):
    """oslopolicy-policy-generator goes through the oslo.policy.enforcer
    entry point, which reads manila-lite's config (here from the
    environment) to find the policy file."""
    override = tmp_path / 'policy.yaml'
    override.write_text('"share:delete": "rule:context_is_admin"\n')
    text = _tool('oslopolicy-policy-generator', '--namespace', 'manila_lite',
                 env={'OS_OSLO_POLICY__POLICY_FILE': str(override)})
    assert '"share:delete": "rule:context_is_admin"' in text
    assert '"share:create": "rule:admin_or_project_member"' in text


# -- operator overrides ------------------------------------------------------

@pytest.fixture
def policy_file(api, tmp_path):
    """An absent policy file the running enforcer is pointed at."""
    path = tmp_path / 'policy.yaml'
    policy.enforcer()  # registers the [oslo_policy] options
    CONF.set_override('policy_file', str(path), group='oslo_policy')
    policy.reset()
    yield path
    CONF.clear_override('policy_file', group='oslo_policy')
    policy.reset()


def _write(path, text):
    path.write_text(text)
    # A modification time clearly after the last one seen.
    later = time.time() + 2
    os.utime(path, (later, later))


def _list(api, role='member'):
    return api.get('/shares', version='2.64', role=role).status_int


def _eventually(answer, expected):
    """The enforcer looks at the file once per LOOK_INTERVAL: a change
    must apply within it (and a bit), and then stay applied."""
    deadline = time.monotonic() + policy.LOOK_INTERVAL + 2
    while answer() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer() == expected


def test_policy_file_applies_without_restart(api, policy_file):
    assert _list(api) == 200
    _write(policy_file, '"share:get_all": "rule:context_is_admin"\n')
    _eventually(lambda: _list(api), 403)
    assert _list(api, role='admin') == 200
    _write(policy_file, '"share:get_all": "rule:admin_or_project_reader"\n')
    _eventually(lambda: _list(api), 200)
    _write(policy_file, '"share:get_all": "!"\n')
    _eventually(lambda: _list(api), 403)
    policy_file.unlink()
    _eventually(lambda: _list(api), 200)


def test_policy_file_is_not_searched_on_every_check(api, policy_file):
    """Between looks, a new file is not seen: the checks use the rules
    in memory rather than searching the config directories again."""
    policy.LOOK_INTERVAL, interval = 3600, policy.LOOK_INTERVAL
    try:
        policy.reset()
        assert _list(api) == 200
        _write(policy_file, '"share:get_all": "!"\n')
        assert _list(api) == 200
    finally:
        policy.LOOK_INTERVAL = interval
    policy.reset()
    assert _list(api) == 403


def test_context_is_admin_decides_who_sees_every_project(api, policy_file):
    """Redefining the administrator moves both the admin-only actions and
    the admin view of every project."""
    headers = {'X-Auth-Token': 'operator-user:%s' % PROJECT,
               'X-Roles': 'operator,reader',
               'X-OpenStack-Manila-API-Version': '2.64'}

    def status(path):
        return api.app.get('/v2' + path, headers=headers,
                           expect_errors=True).status_int

    assert status('/services') == 403
    assert status('/quota-sets/someone-else') == 403
    _write(policy_file, '"context_is_admin": "role:admin or role:operator"\n')
    _eventually(lambda: status('/services'), 200)
    assert status('/quota-sets/someone-else') == 200


# -- scope and URLs ----------------------------------------------------------

def test_system_scoped_token_is_refused(api):
    """manila-lite, like Manila, has no system-scoped API."""
    resp = api.get('/shares', version='2.64',
                   headers={'OpenStack-System-Scope': 'all'})
    assert resp.status_int == 403
    assert api.get('/shares', version='2.64').status_int == 200


def test_url_project_must_be_the_token_project(api):
    headers = {'X-Auth-Token': 'member-user:%s' % PROJECT,
               'X-Roles': 'member,reader',
               'X-OpenStack-Manila-API-Version': '2.64'}
    ok = api.app.get('/v2/%s/shares' % PROJECT, headers=headers,
                     expect_errors=True)
    assert ok.status_int == 200
    other = api.app.get('/v2/someone-else/shares', headers=headers,
                        expect_errors=True)
    assert other.status_int == 400
    assert 'Malformed request url' in other.text


# -- request ids -------------------------------------------------------------

@pytest.mark.parametrize('method,path,role,status', [
    ('GET', '/shares', 'member', 200),
    ('GET', '/services', 'member', 403),
    ('GET', '/shares/unknown', 'member', 404),
    ('GET', '/no/such/route', 'member', 404),
])
def test_request_id_headers(api, method, path, role, status):
    resp = api.request(method, path, version='2.64', role=role)
    assert resp.status_int == status
    request_id = resp.headers['x-openstack-request-id']
    assert request_id.startswith('req-')
    assert resp.headers['x-compute-request-id'] == request_id


def test_root_is_public_and_has_a_request_id(api):
    resp = api.app.get('/', expect_errors=True)
    assert resp.status_int == 300
    assert resp.headers['x-compute-request-id'].startswith('req-')


class _Records(logging.Handler):
    """Log records with the request id oslo.log would print for them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.seen = []

    def emit(self, record):
        current = o_context.get_current()
        self.seen.append((record.getMessage(),
                          getattr(current, 'request_id', None)))


def test_request_is_logged_with_its_request_id(api):
    handler = _Records()
    logger = logging.getLogger('manila_lite.api.app')
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        resp = api.get('/shares?limit=5', version='2.64', role='member')
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    request_id = resp.headers['x-openstack-request-id']
    assert any('GET /v2/shares?limit=5 status: 200' in message and
               logged_id == request_id
               for message, logged_id in handler.seen), handler.seen


def test_plugin_rule_checks_load_only_when_a_rule_uses_one():
    """The http: and https: checks stay unimported (with requests) until
    a rule names them, and then work as oslo.policy's own."""
    from oslo_policy import _external
    from oslo_policy import _parser

    from manila_lite.policies import plugin_checks

    checks = plugin_checks._PluginChecks()
    assert 'role' not in checks and 'rule' not in checks
    assert 'http' in checks and 'https' in checks
    assert not dict(checks), 'nothing imported by asking'
    assert checks['https'] is _external.HttpsCheck
    assert dict(checks) == {'https': _external.HttpsCheck}
    # The map oslo.policy uses in this process is ours, put there as the
    # policies were imported.
    from oslo_policy import _checks
    assert isinstance(_checks.extension_checks, plugin_checks._PluginChecks)
    parsed = _parser.parse_rule('http:http://127.0.0.1/allow')
    assert isinstance(parsed, _external.HttpCheck)
    assert type(_parser.parse_rule('role:admin')).__name__ == 'RoleCheck'
