"""Alembic environment: migrates the connection manila_lite hands over.

``manila_lite.db.migration`` opens the connection (and holds the lock that
serialises concurrent ``db sync`` runs) and passes it in
``config.attributes['connection']``; this module only runs the scripts on
it. Batch mode lets later scripts alter tables on SQLite too.
"""

from alembic import context

from manila_lite.db import models


def run_migrations_online():
    connection = context.config.attributes.get('connection')
    if connection is None:
        raise RuntimeError('Run migrations with manila-lite-manage db sync '
                           '(manila_lite.db.migration.db_sync), which '
                           'provides the database connection.')
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      render_as_batch=True,
                      compare_type=True,
                      compare_server_default=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError('Offline (--sql) migrations are not supported.')
run_migrations_online()
