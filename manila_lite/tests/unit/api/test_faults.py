"""Manila's error body, {"<faultName>": {"code", "message"}}, on every path
a handler can fail."""

import pytest

from manila_lite.db import share_types as type_db
from manila_lite.tests.unit.api.helpers import fault

CASES = [
    # (case, method, path, body, version, role, status, fault name)
    ('schema', 'POST', '/types', {'share_type': {}}, '2.64', 'admin', 400,
     'badRequest'),
    ('malformed json', 'POST', '/types', None, '2.64', 'admin', 400,
     'badRequest'),
    ('policy', 'POST', '/types', {'share_type': {'name': 'x'}}, '2.64',
     'member', 403, 'forbidden'),
    ('unknown resource', 'GET', '/types/nope', None, '2.64', 'admin', 404,
     'itemNotFound'),
    ('below the version', 'GET', '/messages', None, '2.36', 'admin', 404,
     'itemNotFound'),
    ('unknown path', 'GET', '/project/nothing-here', None, '2.64', 'admin',
     404, 'itemNotFound'),
    ('method', 'PATCH', '/types', None, '2.64', 'admin', 405, 'badMethod'),
    ('conflict', 'POST', '/types',
     {'share_type': {'name': 'taken', 'extra_specs': {
         'driver_handles_share_servers': 'false'}}},
     '2.64', 'admin', 409, 'conflictingRequest'),
    ('version out of range', 'GET', '/types', None, '2.101', 'admin', 406,
     'computeFault'),
]


@pytest.mark.parametrize('case,method,path,body,version,role,status,name',
                         CASES, ids=[c[0] for c in CASES])
def test_fault_bodies(api, admin_ctx, case, method, path, body, version,
                      role, status, name):
    type_db.create(admin_ctx, 'taken',
                   {'driver_handles_share_servers': 'False'})
    if case == 'malformed json':
        resp = api.app.post('/v2' + path, '{"share_type": ', headers={
            'X-Auth-Token': 'admin:p', 'Content-Type': 'application/json',
            'X-OpenStack-Manila-API-Version': version}, expect_errors=True)
        assert resp.status_int == status
    else:
        resp = api.request(method, path, body=body, version=version,
                           role=role, status=status)
    assert resp.content_type == 'application/json'
    assert fault(resp)[0] == name
    assert resp.headers['X-OpenStack-Manila-API-Version'] == version
    if status == 405:
        assert resp.headers['Allow'] == 'GET, POST'
