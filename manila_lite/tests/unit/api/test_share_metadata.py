"""Share metadata through the real WSGI stack: a conversation with the API."""

import pytest

from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT


@pytest.fixture
def share(api, admin_ctx):
    share_type = default_share_type(admin_ctx)
    return share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': states.AVAILABLE, 'share_type_id': share_type.id},
        metadata={'project': 'my_app', 'aim': 'doc'})


def _url(share, key=None):
    return '/shares/%s/metadata%s' % (share.id, '/' + key if key else '')


def test_metadata_crud(api, share):
    get = api.get(_url(share), version='2.0', role='member')
    assert get.status_int == 200
    assert get.json == {'metadata': {'project': 'my_app', 'aim': 'doc'}}

    item = api.get(_url(share, 'project'), version='2.64', role='member')
    assert item.json == {'meta': {'project': 'my_app'}}

    # POST merges.
    merged = api.post(_url(share), {'metadata': {'aim': 'changed_doc',
                                                 'key1': 'value1'}},
                      version='2.64', role='member')
    assert merged.status_int == 200
    assert merged.json == {'metadata': {'project': 'my_app',
                                        'aim': 'changed_doc',
                                        'key1': 'value1'}}

    # PUT replaces everything.
    replaced = api.put(_url(share), {'metadata': {'only': 'this'}},
                       version='2.64', role='member')
    assert replaced.json == {'metadata': {'only': 'this'}}
    assert api.get(_url(share), version='2.64',
                   role='member').json == {'metadata': {'only': 'this'}}

    # POST on a key sets that one item.
    one = api.post(_url(share, 'second'), {'metadata': {'second': '2'}},
                   version='2.64', role='member')
    assert one.status_int == 200
    assert one.json == {'metadata': {'only': 'this', 'second': '2'}}

    deleted = api.delete(_url(share, 'only'), version='2.64', role='member')
    assert deleted.status_int == 200 and not deleted.body
    assert api.get(_url(share), version='2.64',
                   role='member').json == {'metadata': {'second': '2'}}

    # The share view shows the same.
    view = api.get('/shares/%s' % share.id, version='2.64', role='member')
    assert view.json['share']['metadata'] == {'second': '2'}

    # PUT null clears it.
    cleared = api.put(_url(share), {'metadata': None}, version='2.64',
                      role='member')
    assert cleared.json == {'metadata': {}}


def test_unknown_keys_and_shares_are_404(api, share):
    for method in ('get', 'delete'):
        resp = getattr(api, method)(_url(share, 'nokey'), version='2.64')
        assert resp.status_int == 404
        assert fault(resp) == ('itemNotFound', 'Metadata item is not found.')
    missing = api.get('/shares/%s/metadata' % ('0' * 32), version='2.64')
    assert missing.status_int == 404


@pytest.mark.parametrize('metadata,words', [
    ({'': 'v'}, 'key is blank'),
    ({'k' * 256: 'v'}, 'key is greater than 255'),
    ({'k': ''}, 'value is blank'),
    ({'k': 'v' * 1024}, 'value is greater than 1023'),
    ({'k': 1}, 'Malformed request body'),
    (['k', 'v'], 'Malformed request body'),
    (None, 'Malformed request body'),
])
def test_invalid_items_are_400(api, share, metadata, words):
    resp = api.post(_url(share), {'metadata': metadata}, version='2.64')
    assert resp.status_int == 400
    assert words in fault(resp)[1]
    assert api.get(_url(share), version='2.64').json['metadata'] == {
        'project': 'my_app', 'aim': 'doc'}


def test_longest_items_are_fine(api, share):
    items = {'k' * 255: 'v' * 1023}
    assert api.post(_url(share), {'metadata': items},
                    version='2.64').status_int == 200


def test_missing_body_is_400(api, share):
    resp = api.post(_url(share), {'meta': {'a': 'b'}}, version='2.64')
    assert resp.status_int == 400
    assert 'Malformed request body' in fault(resp)[1]


@pytest.mark.parametrize('body,words', [
    ({'metadata': {'other': 'v'}}, 'Request body and URI mismatch'),
    ({'metadata': {'k': 'v', 'j': 'w'}}, 'too many items'),
])
def test_item_update_must_name_the_key_alone(api, share, body, words):
    resp = api.post(_url(share, 'k'), body, version='2.64')
    assert resp.status_int == 400
    assert words in fault(resp)[1]


def test_other_projects_see_public_metadata_but_cannot_change_it(
        api, share, admin_ctx):
    url = _url(share)
    assert api.get(url, version='2.64', role='member',
                   project=OTHER_PROJECT).status_int == 404
    share_db.update(admin_ctx, share.id, {'is_public': True})
    assert api.get(url, version='2.64', role='member',
                   project=OTHER_PROJECT).status_int == 200
    denied = api.post(url, {'metadata': {'x': 'y'}}, version='2.64',
                      role='member', project=OTHER_PROJECT)
    assert denied.status_int == 403
    assert api.delete(_url(share, 'aim'), version='2.64', role='member',
                      project=OTHER_PROJECT).status_int == 403
