"""Engine and transactions, shared by the per-resource query modules.

One oslo.db enginefacade per process: the engine is built once, at first
use, and every query module opens its transaction with ``reader`` or
``writer`` on the request context.
"""

import os

import sqlalchemy as sa
from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import utils as sqlalchemyutils

from manila_lite import conf
from manila_lite import exception

CONF = conf.CONF
db_options.set_defaults(CONF, connection='sqlite:///$state_path/manila.sqlite')

_facade = enginefacade.transaction_context()
reader = _facade.reader
writer = _facade.writer


def configure():
    """Open the engine from [database] options; call once at start-up."""
    url = sa.engine.make_url(CONF.database.connection)
    if url.get_backend_name() == 'sqlite' and url.database and \
            url.database != ':memory:' and not url.database.startswith(
                'file:'):
        # A new node's state_path may not exist yet.
        os.makedirs(os.path.dirname(os.path.abspath(url.database)),
                    exist_ok=True)
    engine = get_engine()
    if engine.dialect.name == 'sqlite':
        _tune_sqlite(engine)


def _tune_sqlite(engine):
    """WAL lets readers proceed while the share manager writes."""
    @sa.event.listens_for(engine, 'connect')
    def _on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA synchronous=NORMAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA busy_timeout=30000')
        cursor.close()
    engine.dispose()


def get_engine():
    return _facade.writer.get_engine()


def paginate(query, model, limit, marker, sort_keys, sort_dirs,
             marker_not_found):
    """Apply sort and limit/marker pagination to a query."""
    marker_row = None
    if marker is not None:
        marker_row = query.session.get(model, marker)
        if marker_row is None:
            raise marker_not_found
    try:
        return sqlalchemyutils.paginate_query(
            query, model, limit, sort_keys, marker=marker_row,
            sort_dirs=sort_dirs)
    except sqlalchemyutils.InvalidSortKey as err:
        raise exception.InvalidInput(reason=str(err))
