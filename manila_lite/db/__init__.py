"""Database access: models, migrations and the query API the services use."""
