"""Where the shares named in scheduler hints live, for the hint filters;
and the affinity records on the shares a hint names.

A share created with ``same_host`` or ``different_host`` keeps the ids it
named in its metadata (``__affinity_same_host``,
``__affinity_different_host``), and, as Manila does, each share it named
gets the new share's id added under the same key: the relation reads the
same from both ends. A share that goes is taken out of the records of the
shares it was related to, so nothing keeps pointing at it.
"""

import sqlalchemy as sa

from manila_lite.conf import share_features
from manila_lite.db import api as db_api
from manila_lite.db import models

KEYS = (share_features.AFFINITY_KEY, share_features.ANTI_AFFINITY_KEY)
_META = models.ShareMetadata
# The metadata value column's size: ids beyond it are not recorded.
_MAX_VALUE = _META.__table__.c.value.type.length


def hosts_of(context, share_ids):
    """{share_id: 'host@backend#pool' or None} of the shares that exist."""
    if not share_ids:
        return {}
    with db_api.reader.using(context) as session:
        rows = session.execute(
            sa.select(models.ShareInstance.share_id,
                      models.ShareInstance.host)
            .where(models.ShareInstance.share_id.in_(list(share_ids))))
        return dict(rows.all())


def _ids(value):
    return [item for item in (value or '').split(',') if item]


def _item(session, share_id, key):
    return session.execute(
        sa.select(_META.id, _META.value)
        .where(_META.share_id == share_id, _META.key == key)
        .with_for_update()).first()


def record(session, share_id, named):
    """Add ``share_id`` to the record under ``key`` of each share
    ``named`` ({key: [share ids]}) gives; in the caller's transaction.

    The named share's row is locked first, so two creates naming it at
    once both land; a share deleted meanwhile is skipped.
    """
    for key, others in named.items():
        for other in others:
            if other == share_id or session.execute(
                    sa.select(models.Share.id)
                    .where(models.Share.id == other)
                    .with_for_update()).first() is None:
                continue
            item = _item(session, other, key)
            if item is None:
                session.execute(sa.insert(_META.__table__).values(
                    share_id=other, key=key, value=share_id))
                continue
            ids = _ids(item.value)
            value = ','.join(ids + [share_id])
            if share_id in ids or len(value) > _MAX_VALUE:
                continue
            session.execute(sa.update(_META.__table__)
                            .where(_META.__table__.c.id == item.id)
                            .values(value=value))


def forget(session, share_id):
    """Take ``share_id`` out of the records of the shares its own record
    names (the share is about to go); in the caller's transaction."""
    rows = session.execute(
        sa.select(_META.key, _META.value)
        .where(_META.share_id == share_id, _META.key.in_(KEYS))).all()
    for key, value in rows:
        for other in _ids(value):
            if other == share_id:
                continue
            item = _item(session, other, key)
            if item is None:
                continue
            remaining = [i for i in _ids(item.value) if i != share_id]
            table = _META.__table__
            if remaining:
                session.execute(sa.update(table)
                                .where(table.c.id == item.id)
                                .values(value=','.join(remaining)))
            else:
                session.execute(sa.delete(table)
                                .where(table.c.id == item.id))
