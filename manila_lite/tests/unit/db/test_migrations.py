"""The migrations' parts that need no database server: one head, the
schema comparison the migration tests rely on (on SQLite), the lock's
Galera fallback, and ``manila-lite-manage db sync/version`` through its
main().

That the scripts build exactly models.py's schema, again and at once,
and downgrade, is tested on SQLite, MariaDB and PostgreSQL alike in
tests/functional/test_db_migrations.py.
"""

import logging
from unittest import mock

from alembic import script as alembic_script
from oslo_db.sqlalchemy import enginefacade
import pytest
import sqlalchemy as sa

from manila_lite.cmd import manage
from manila_lite.db import api as db_api
from manila_lite.db import migration
from manila_lite.db import models
from manila_lite.tests import schema

CONF = manage.CONF


@pytest.fixture
def engine(tmp_path):
    # A directory that does not exist yet, as on a new node.
    engine = sa.create_engine(
        'sqlite:///%s' % (tmp_path / 'state' / 'manila.sqlite'))
    yield engine
    engine.dispose()


def test_one_head():
    """Two heads would mean two scripts claim the same parent."""
    scripts = alembic_script.ScriptDirectory.from_config(
        migration.alembic_config())
    assert scripts.get_heads() == [schema.head_revision()]


def _copy_of_models():
    metadata = sa.MetaData()
    for table in models.Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    return metadata


def test_comparison_notices_a_missing_unnamed_unique(engine):
    """Alembic alone does not see unnamed unique constraints on SQLite."""
    migration.db_sync(engine=engine)
    metadata = _copy_of_models()
    share_types = metadata.tables['share_types']
    for constraint in list(share_types.constraints):
        if isinstance(constraint, sa.UniqueConstraint):
            share_types.constraints.remove(constraint)
    with engine.connect() as connection:
        differences = schema.schema_differences(connection, metadata)
    assert differences == [('unexpected_unique', 'share_types', ('name',))]


def test_comparison_notices_on_delete_and_types(engine):
    migration.db_sync(engine=engine)
    metadata = _copy_of_models()
    fk = next(iter(metadata.tables['share_metadata'].foreign_key_constraints))
    fk.ondelete = None
    metadata.tables['shares'].c.display_name.type = sa.String(128)
    with engine.connect() as connection:
        kinds = [diff[0] if isinstance(diff, tuple) else diff[0][0]
                 for diff in schema.schema_differences(connection,
                                                       metadata)]
    assert sorted(kinds) == ['add_fk', 'modify_type', 'remove_fk']


def test_mysql_lock_refused_by_galera_is_done_without():
    connection = mock.Mock()
    connection.exec_driver_sql.return_value.scalar.return_value = 'manila'
    connection.execute.side_effect = sa.exc.OperationalError(
        'SELECT GET_LOCK', {}, Exception('not supported (WSREP_ON=ON)'))
    lock = migration._MySQLLock(connection)
    assert lock.try_acquire()
    lock.release()
    connection.execute.assert_called_once()  # GET_LOCK, no RELEASE_LOCK


@pytest.fixture
def manage_conf(tmp_path, monkeypatch):
    """A config file with a fresh state_path, and a fresh engine facade.

    main() parses the global CONF and configures logging, so both are put
    back afterwards for the tests that follow in this process. Overrides
    other fixtures set (the shared test database) are hidden meanwhile:
    they would win over the config file.
    """
    state_path = tmp_path / 'state'
    config_file = tmp_path / 'manila-lite.conf'
    config_file.write_text('[DEFAULT]\nstate_path = %s\n' % state_path)
    for name, group in (('state_path', None), ('connection', 'database')):
        monkeypatch.delitem(CONF._get_opt_info(name, group), 'override',
                            raising=False)
    facade = enginefacade.transaction_context()
    monkeypatch.setattr(db_api, '_facade', facade)
    root, alembic_log = logging.getLogger(), logging.getLogger('alembic')
    handlers, levels = list(root.handlers), (root.level, alembic_log.level)
    yield str(config_file), state_path
    facade.dispose_pool()
    CONF.clear()
    CONF.unregister_opt(manage.category_opt)
    # Later tests in this worker expect a parsed CONF (oslo.policy reads
    # it), as the session fixtures left it: parse again, with no files.
    CONF([], project='manila-lite', default_config_files=[],
         default_config_dirs=[])
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    alembic_log.setLevel(levels[1])


def _manage(*argv):
    """main() parses the global CONF, as once per process in real life."""
    CONF.clear()
    return manage.main(list(argv))


def test_manage_db_sync_then_version(manage_conf, capsys):
    config_file, state_path = manage_conf
    assert not state_path.exists()

    assert _manage('--config-file', config_file, 'db', 'sync') == 0
    assert (state_path / 'manila.sqlite').is_file()
    # Running it again, as every upgrade of a deployment does, is harmless.
    assert _manage('--config-file', config_file, 'db', 'sync') == 0
    capsys.readouterr()

    assert _manage('--config-file', config_file, 'db', 'version') == 0
    assert capsys.readouterr().out == schema.head_revision() + '\n'
    with migration.get_engine().connect() as connection:
        assert schema.schema_differences(connection) == []


def test_manage_db_sync_to_an_unknown_version_fails(manage_conf):
    config_file, _state_path = manage_conf
    assert _manage('--config-file', config_file,
                   'db', 'sync', '--version', 'nosuchrevision') == 1
    assert migration.db_version() is None
