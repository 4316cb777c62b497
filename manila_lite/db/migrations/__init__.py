"""Alembic scripts for the manila-lite schema; run them with db/migration.py.

There is no alembic.ini: ``manila_lite.db.migration`` builds the alembic
configuration in code and hands env.py an open connection.
"""
