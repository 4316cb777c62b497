"""Column types shared by the models and the migrations."""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# MySQL/MariaDB keep whole seconds unless asked for more; "latest" and
# "newest first" need microseconds, as SQLite and PostgreSQL keep them.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql',
                                       'mariadb')
