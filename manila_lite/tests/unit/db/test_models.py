"""Every parent -> children relationship of models.py has one shape.

The database deletes children (ON DELETE CASCADE) and the ORM deletes
those it has loaded (cascade delete, passive_deletes): without the ORM
cascade, deleting a parent through a session sets the children's NOT
NULL foreign key to NULL, which every database refuses
(tests/functional/test_db_child_rows.py shows it on each of them).
A table added later is held to the same shape here.
"""

import pytest
from sqlalchemy import orm

from manila_lite.db import models

_ONE_TO_MANY = sorted(
    ('%s.%s' % (mapper.class_.__name__, rel.key), rel)
    for mapper in models.Base.registry.mappers
    for rel in mapper.relationships
    if rel.direction is orm.interfaces.ONETOMANY and not rel.viewonly)


def test_there_are_relationships_to_check():
    names = [name for name, _rel in _ONE_TO_MANY]
    for expected in ('ShareSnapshot.snapshot_metadata',
                     'ExportLocation.el_metadata', 'Share.share_metadata',
                     'ShareAccessRule.access_metadata',
                     'ShareNetworkSubnet.subnet_metadata',
                     'ShareType.extra_specs'):
        assert expected in names


@pytest.mark.parametrize('name,rel', _ONE_TO_MANY,
                         ids=[name for name, _rel in _ONE_TO_MANY])
def test_children_are_deleted_with_their_parent(name, rel):
    assert rel.cascade.delete and rel.cascade.delete_orphan, name
    assert rel.passive_deletes is True, name
    for column in rel.remote_side:
        for key in column.foreign_keys:
            assert key.ondelete == 'CASCADE', '%s: %s.%s' % (
                name, column.table.name, column.name)
