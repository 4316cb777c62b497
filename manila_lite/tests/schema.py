"""Checks the migration tests make: the newest revision, and what differs
between a migrated database and models.py.

Only tests ask these questions (db_sync always goes to the newest
revision by itself), so they live here rather than in
manila_lite/db/migration.py; the unit and the functional migration tests
both use them.
"""

from alembic import autogenerate
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

from manila_lite.db import migration
from manila_lite.db import models


def head_revision():
    """The revision ``db_sync`` upgrades to by default."""
    scripts = alembic_script.ScriptDirectory.from_config(
        migration.alembic_config())
    return scripts.get_current_head()


def schema_differences(connection, metadata=None):
    """What differs between the database and models.py (or ``metadata``).

    Empty when the migrations create exactly the modelled schema; the
    migration tests assert that on every supported database. This is
    alembic's autogenerate comparison, plus a check of unique constraints
    by their columns: on SQLite alembic overlooks unnamed ones.
    """
    metadata = models.Base.metadata if metadata is None else metadata
    context = alembic_migration.MigrationContext.configure(
        connection, opts={'compare_type': True,
                          'compare_server_default': True})
    differences = autogenerate.compare_metadata(context, metadata)
    inspector = sa.inspect(connection)
    existing = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue  # alembic reported the missing table
        want = _model_uniques(table)
        have = _db_uniques(inspector, table.name)
        differences.extend(('missing_unique', table.name, columns)
                           for columns in sorted(want - have))
        differences.extend(('unexpected_unique', table.name, columns)
                           for columns in sorted(have - want))
    return differences


def _model_uniques(table):
    uniques = {tuple(constraint.columns.keys())
               for constraint in table.constraints
               if isinstance(constraint, sa.UniqueConstraint)}
    uniques.update(tuple(index.columns.keys())
                   for index in table.indexes if index.unique)
    return uniques


def _db_uniques(inspector, table_name):
    # MySQL reports a unique constraint as a unique index as well.
    uniques = {tuple(constraint['column_names']) for constraint
               in inspector.get_unique_constraints(table_name)}
    uniques.update(tuple(index['column_names'])
                   for index in inspector.get_indexes(table_name)
                   if index['unique'])
    return uniques
