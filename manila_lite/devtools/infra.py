"""The outside services functional tests need: MariaDB, PostgreSQL, RabbitMQ.

Each ``require_*`` returns the server URL (from the environment, or the
local default) once the server answers; when it does not, the test is
skipped with the reason -- or fails, under CI=true, where a missing
service is a broken pipeline rather than a developer's laptop.

``throwaway_database`` and ``throwaway_vhost`` give a test its own
database and RabbitMQ virtual host and remove them afterwards, so that
parallel test workers never see each other's rows or messages.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import urllib.parse
import uuid

import pytest
import sqlalchemy as sa

MYSQL_URL = os.environ.get('MANILA_LITE_TEST_MYSQL_URL',
                           'mysql+pymysql://root@127.0.0.1:3306')
POSTGRES_URL = os.environ.get('MANILA_LITE_TEST_POSTGRES_URL',
                              'postgresql+psycopg2://postgres@127.0.0.1:5432')
RABBIT_URL = os.environ.get('MANILA_LITE_TEST_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')
_CONNECT_TIMEOUT = 3


def unavailable(message):
    if os.environ.get('CI', '').lower() == 'true':
        pytest.fail(message + ' (CI=true: the service is required)')
    pytest.skip(message)


def _server_engine(url):
    """An engine on the server itself, outside any test database."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == 'postgresql':
        url = url.set(database='postgres')
        args = {'connect_timeout': _CONNECT_TIMEOUT}
    else:
        url = url.set(database=None)
        args = {'connect_timeout': _CONNECT_TIMEOUT}
    return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                            connect_args=args, poolclass=sa.pool.NullPool)


def _require_database(url, env_name):
    try:
        with _server_engine(url).connect() as connection:
            connection.exec_driver_sql('SELECT 1')
    except Exception as err:
        unavailable('%s is not reachable (set %s): %s'
                    % (_safe(url), env_name, err))
    return url


def _safe(url):
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def require_mysql():
    return _require_database(MYSQL_URL, 'MANILA_LITE_TEST_MYSQL_URL')


def require_postgres():
    return _require_database(POSTGRES_URL, 'MANILA_LITE_TEST_POSTGRES_URL')


def require_rabbit():
    parsed = urllib.parse.urlparse(RABBIT_URL)
    try:
        socket.create_connection((parsed.hostname or '127.0.0.1',
                                  parsed.port or 5672),
                                 timeout=_CONNECT_TIMEOUT).close()
    except OSError as err:
        unavailable('RabbitMQ at %s:%s is not reachable (set '
                    'MANILA_LITE_TEST_RABBIT_URL): %s'
                    % (parsed.hostname, parsed.port, err))
    return RABBIT_URL


def create_database(server_url, prefix='ml_func'):
    """A new empty database on the server; its full URL."""
    name = '%s_%s' % (prefix, uuid.uuid4().hex[:12])
    engine = _server_engine(server_url)
    with engine.connect() as connection:
        if engine.dialect.name == 'postgresql':
            connection.exec_driver_sql('CREATE DATABASE %s' % name)
        else:
            connection.exec_driver_sql(
                'CREATE DATABASE %s CHARACTER SET utf8mb4' % name)
    return sa.engine.make_url(server_url).set(database=name).render_as_string(
        hide_password=False)


def drop_database(url):
    """Drop a database made by create_database, sessions and all."""
    url = sa.engine.make_url(url)
    engine = _server_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == 'postgresql':
            connection.exec_driver_sql(
                'DROP DATABASE IF EXISTS %s WITH (FORCE)' % url.database)
        else:
            connection.exec_driver_sql(
                'DROP DATABASE IF EXISTS %s' % url.database)


@contextlib.contextmanager
def throwaway_database(server_url):
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(url)


def _rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', '-q'] + list(args), check=True,
                   capture_output=True, timeout=60)


@contextlib.contextmanager
def throwaway_vhost(rabbit_url):
    """``rabbit_url`` on a new virtual host, when rabbitmqctl can make one.

    Without a usable rabbitmqctl (a remote broker, no rights) the URL is
    yielded unchanged; callers then keep apart by unique topic names.
    """
    parsed = urllib.parse.urlparse(rabbit_url)
    local = parsed.hostname in ('127.0.0.1', 'localhost', '::1')
    if not (local and shutil.which('rabbitmqctl')):
        yield rabbit_url
        return
    vhost = 'ml_func_%s' % uuid.uuid4().hex[:12]
    try:
        _rabbitmqctl('add_vhost', vhost)
    except (OSError, subprocess.SubprocessError):
        yield rabbit_url
        return
    try:
        _rabbitmqctl('set_permissions', '-p', vhost,
                     urllib.parse.unquote(parsed.username or 'guest'),
                     '.*', '.*', '.*')
        usable = True
    except (OSError, subprocess.SubprocessError):
        usable = False
    try:
        yield (parsed._replace(path='/' + vhost).geturl() if usable
               else rabbit_url)
    finally:
        try:
            _rabbitmqctl('delete_vhost', vhost)
        except (OSError, subprocess.SubprocessError):
            pass


REDIS_URL = os.environ.get('MANILA_LITE_TEST_REDIS_URL',
                           'redis://127.0.0.1:6379/0')


def require_redis():
    import redis  # only the tests that use Redis need its client

    parsed = urllib.parse.urlparse(REDIS_URL)
    try:
        redis.Redis.from_url(REDIS_URL,
                             socket_connect_timeout=_CONNECT_TIMEOUT).ping()
    except redis.RedisError as err:
        unavailable('Redis at %s:%s is not reachable (set '
                    'MANILA_LITE_TEST_REDIS_URL): %s'
                    % (parsed.hostname, parsed.port or 6379, err))
    return REDIS_URL
