"""QoS types and share transfers on SQLite, MariaDB and PostgreSQL.

A QoS type goes with its specs; a transfer goes with its share; and an
accepted transfer moves quota usage between projects in one transaction,
or changes nothing when the new project has no room. Run on a fresh
database per test, as test_db_child_rows.py runs its tests.
"""

import pytest
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import qos_types as qos_db
from manila_lite.db import quotas
from manila_lite.db import share_transfers as transfer_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import states
from manila_lite.tests.functional import test_db_child_rows as child_rows

# The fresh database per test and its share type, as child_rows has them.
database_url = child_rows.database_url
ctx = child_rows.ctx
share_type = child_rows.share_type

OWNER, TAKER = 'p1', 'p2'


def _count(model, **where):
    with db_api.get_engine().connect() as connection:
        return connection.scalar(
            sa.select(sa.func.count()).select_from(model).where(
                *(getattr(model, k) == v for k, v in where.items())))


def _offered_share(ctx, share_type, size=2):
    share = share_db.create(
        ctx, {'project_id': OWNER, 'user_id': 'u1', 'size': size,
              'share_proto': 'NFS'},
        {'status': states.AVAILABLE, 'host': child_rows.HOST,
         'share_type_id': share_type.id})
    snapshot_db.create(
        ctx, share, {'project_id': OWNER, 'user_id': 'u1', 'size': 1,
                     'share_size': size, 'share_proto': 'NFS'},
        {'status': states.AVAILABLE})
    transfer = transfer_db.create(ctx, share, {
        'display_name': 't', 'salt': 's', 'crypt_hash': 'h'})
    return share, transfer


def _in_use(ctx, project, resource):
    return quotas.usages(ctx, project)[resource]['in_use']


def test_qos_type_destroy_takes_its_specs(ctx):
    qos_type = qos_db.create(ctx, 'gold', specs={'a': '1', 'b': '2'})
    assert _count(models.QosTypeSpec, qos_type_id=qos_type.id) == 2
    qos_db.destroy(ctx, qos_type.id)
    assert _count(models.QosType, id=qos_type.id) == 0
    assert _count(models.QosTypeSpec, qos_type_id=qos_type.id) == 0


def test_share_destroy_takes_its_transfer(ctx, share_type):
    share, transfer = _offered_share(ctx, share_type)
    snapshot_db.destroy(ctx, snapshot_db.latest_for_share(ctx, share.id).id)
    assert share_db.destroy(ctx, share.id)
    assert _count(models.ShareTransfer, id=transfer.id) == 0


def test_accept_moves_usage_at_once(ctx, share_type):
    share, transfer = _offered_share(ctx, share_type)
    transfer_db.accept(ctx, transfer.id, 'h', TAKER, 'u2')
    for resource, held in (('shares', 1), ('gigabytes', 2),
                           ('snapshots', 1), ('snapshot_gigabytes', 1)):
        assert (_in_use(ctx, OWNER, resource),
                _in_use(ctx, TAKER, resource)) == (0, held), resource
    assert share_db.get(ctx, share.id).status == states.AVAILABLE
    assert _count(models.ShareTransfer, id=transfer.id) == 0


def test_accept_over_quota_changes_nothing(ctx, share_type):
    share, transfer = _offered_share(ctx, share_type)
    quotas.set_limits(ctx, TAKER, {'snapshots': 0})
    with pytest.raises(exception.OverQuota):
        transfer_db.accept(ctx, transfer.id, 'h', TAKER, 'u2')
    assert (_in_use(ctx, OWNER, 'gigabytes'),
            _in_use(ctx, TAKER, 'gigabytes')) == (2, 0)
    assert share_db.get(ctx, share.id).project_id == OWNER
    assert share_db.get(ctx, share.id).status == states.AWAITING_TRANSFER
    assert _count(models.ShareTransfer, id=transfer.id) == 1
