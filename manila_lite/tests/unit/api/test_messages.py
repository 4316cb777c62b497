"""User messages through the API (2.37+)."""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite import messages
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

FIELDS = {'id', 'project_id', 'resource_type', 'resource_id', 'action_id',
          'detail_id', 'message_level', 'user_message', 'request_id',
          'created_at', 'expires_at', 'links'}
SHARE_A = '11111111-1111-1111-1111-111111111111'
SHARE_B = '22222222-2222-2222-2222-222222222222'


@pytest.fixture
def stored(api, admin_ctx):
    """Three messages of PROJECT a day apart (oldest first), one of
    OTHER_PROJECT; returns their ids by name."""
    specs = [
        ('old', PROJECT, SHARE_A, messages.ACTION_ALLOCATE_HOST,
         messages.NO_VALID_HOST, 3),
        ('middle', PROJECT, SHARE_B, messages.ACTION_CREATE,
         messages.DRIVER_FAILED_CREATING, 2),
        ('new', PROJECT, SHARE_A, messages.ACTION_DELETE,
         messages.DRIVER_FAILED_DELETING, 1),
        ('other', OTHER_PROJECT, SHARE_B, messages.ACTION_CREATE,
         messages.UNKNOWN_ERROR, 0),
    ]
    now = timeutils.utcnow()
    ids = {}
    for name, project, share, action, detail, days_ago in specs:
        message_db.create(admin_ctx, project, 'SHARE', share, action, detail)
        with db_api.writer.using(admin_ctx) as session:
            message = session.scalars(
                sa.select(models.Message)
                .where(models.Message.project_id == project,
                       models.Message.action_id == action,
                       models.Message.detail_id == detail)).one()
            message.created_at = now - datetime.timedelta(days=days_ago)
            ids[name] = message.id
    return ids


@pytest.mark.parametrize('method,suffix', [('GET', ''), ('GET', '/x'),
                                           ('DELETE', '/x')])
def test_absent_before_2_37(api, method, suffix):
    api.request(method, '/messages' + suffix, version='2.36', status=404)


def _names(stored, resp):
    by_id = {v: k for k, v in stored.items()}
    return [by_id[m['id']] for m in resp.json['messages']]


LIST_CASES = [
    # (role, version, query, expected names, newest first by default)
    ('member', '2.37', '', ['new', 'middle', 'old']),
    ('admin', '2.37', '', ['other', 'new', 'middle', 'old']),
    ('member', '2.37', '?sort_dir=asc', ['old', 'middle', 'new']),
    ('member', '2.37', '?resource_id=%s' % SHARE_A, ['new', 'old']),
    ('member', '2.37', '?action_id=%s' % messages.ACTION_CREATE,
     ['middle']),
    ('member', '2.37', '?detail_id=%s' % messages.NO_VALID_HOST, ['old']),
    ('member', '2.37', '?resource_type=SHARE&message_level=ERROR',
     ['new', 'middle', 'old']),
    ('member', '2.37', '?limit=2', ['new', 'middle']),
    ('member', '2.37', '?limit=1&offset=1', ['middle']),
    # The time filters came with 2.52; older versions ignore them.
    ('member', '2.51', '?created_since=2999-01-01T00:00:00Z',
     ['new', 'middle', 'old']),
    ('member', '2.52', '?created_since=2999-01-01T00:00:00Z', []),
    ('member', '2.52', '?created_before=1999-01-01T00:00:00', []),
]


@pytest.mark.parametrize('role,version,query,expected', LIST_CASES)
def test_list(api, stored, role, version, query, expected):
    resp = api.get('/messages' + query, version=version, role=role,
                   status=200)
    assert _names(stored, resp) == expected
    for message in resp.json['messages']:
        assert set(message) == FIELDS


def test_list_next_link_on_full_page(api, stored):
    resp = api.get('/messages?limit=2', version='2.37', role='member',
                   status=200)
    (link,) = resp.json['messages_links']
    assert link['rel'] == 'next'
    assert 'limit=2' in link['href']


LIST_ERRORS = [
    ('?created_since=yesterday', '2.52'),
    ('?limit=-1', '2.37'),
    ('?offset=x', '2.37'),
    ('?sort_key=bogus', '2.37'),
]


@pytest.mark.parametrize('query,version', LIST_ERRORS)
def test_list_errors(api, stored, query, version):
    api.get('/messages' + query, version=version, status=400)


def test_show(api, stored):
    view = api.get('/messages/%s' % stored['old'], version='2.37',
                   role='member', status=200).json['message']
    assert set(view) == FIELDS
    assert view['project_id'] == PROJECT
    assert view['resource_type'] == 'SHARE'
    assert view['resource_id'] == SHARE_A
    assert view['message_level'] == 'ERROR'
    assert view['user_message'] == messages.user_message(
        messages.ACTION_ALLOCATE_HOST, messages.NO_VALID_HOST)
    assert view['user_message'].startswith('allocate host: ')
    assert view['expires_at'] > view['created_at']
    assert [link['rel'] for link in view['links']] == ['self', 'bookmark']


@pytest.mark.parametrize('role,name,status', [
    ('member', 'other', 404),
    ('admin', 'other', 200),
])
def test_show_across_projects(api, stored, role, name, status):
    api.get('/messages/%s' % stored[name], version='2.37', role=role,
            status=status)


def test_show_unknown_404(api):
    api.get('/messages/nope', version='2.37', status=404)


def test_delete(api, stored):
    path = '/messages/%s' % stored['old']
    resp = api.delete(path, version='2.37', role='member', status=204)
    assert resp.body == b''
    api.get(path, version='2.37', role='member', status=404)
    api.delete(path, version='2.37', role='member', status=404)


def test_delete_other_projects_message_404(api, stored):
    api.delete('/messages/%s' % stored['other'], version='2.37',
               role='member', status=404)
