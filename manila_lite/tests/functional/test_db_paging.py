"""Lists page the same on SQLite, MariaDB and PostgreSQL.

Paging after a marker picks the rows that sort after it, and so must
agree with the ORDER BY on where NULLs go: PostgreSQL sorts them last
ascending, where MySQL and SQLite sort them first. Paged one row at a
time, a list sorted by a key with NULLs and ties meets every row once,
in the order of the unpaged list, with NULLs first ascending.
"""

import pytest

from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import states
from manila_lite.tests.functional.test_db_child_rows import ctx  # noqa
from manila_lite.tests.functional.test_db_child_rows import database_url  # noqa
from manila_lite.tests.functional.test_db_child_rows import HOST
from manila_lite.tests.functional.test_db_child_rows import make_share  # noqa
from manila_lite.tests.functional.test_db_child_rows import PROJECT
from manila_lite.tests.functional.test_db_child_rows import share_type  # noqa

NAMES = [None, 'a', None, 'b', 'a']


def _walk(fetch, rows):
    """Ids page by page, one row a page, each after the last."""
    seen, marker = [], None
    for _ in range(len(rows) + 2):
        page = fetch(limit=1, marker=marker)
        if not page:
            return seen
        marker = page[0].id
        seen.append(marker)
    raise AssertionError('paging did not end: %s' % seen)


def _check(fetch, named, direction):
    whole = [row.id for row in fetch()]
    assert sorted(whole) == sorted(named)
    names = [named[row_id] for row_id in whole]
    nulls = [name is None for name in names]
    # NULLs first ascending, last descending, on every engine.
    assert nulls == sorted(nulls, reverse=direction == 'asc')
    assert _walk(fetch, whole) == whole


@pytest.mark.parametrize('direction', ['asc', 'desc'])
def test_shares_page_by_a_key_with_nulls_and_ties(
        ctx, share_type, direction):  # noqa: F811
    named = {}
    for name in NAMES:
        share = share_db.create(
            ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
                  'share_proto': 'NFS', 'display_name': name},
            {'status': states.CREATING, 'host': HOST,
             'share_type_id': share_type.id}, {})
        named[share.id] = name

    def fetch(**page):
        return share_db.get_all(ctx, {'all_tenants': True}, ['name'],
                                [direction], **page)[0]
    _check(fetch, named, direction)


@pytest.mark.parametrize('direction', ['asc', 'desc'])
def test_snapshots_page_by_a_key_with_nulls_and_ties(
        ctx, make_share, direction):  # noqa: F811
    share = make_share()
    named = {}
    for name in NAMES:
        snapshot = snapshot_db.create(
            ctx, share, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
                         'share_size': 1, 'share_proto': 'NFS',
                         'display_name': name},
            {'status': states.CREATING})
        named[snapshot.id] = name

    def fetch(**page):
        return snapshot_db.get_all(ctx, {'all_tenants': True}, 'name',
                                   direction, **page)
    _check(fetch, named, direction)
