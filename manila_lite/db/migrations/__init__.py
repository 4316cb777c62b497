"""Alembic scripts for the manila-lite schema; run them with db/migration.py.

There is no alembic.ini: ``manila_lite.db.migration`` builds the alembic
configuration in code and hands env.py an open connection. To start a new
script, against a database at the current head::

    with engine.connect() as connection:
        alembic.command.revision(migration.alembic_config(connection),
                                 'what it does', autogenerate=True)

then edit it by hand: autogenerate writes batch operations, so the script
also works on SQLite. ``tests/unit/db/test_migrations.py`` checks that the
scripts still build exactly the schema of models.py.
"""
