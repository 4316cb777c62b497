"""The database servers and the broker deployments run on: their URLs,
throwaway databases and RabbitMQ virtual hosts.

``MYSQL_URL``, ``POSTGRES_URL`` and ``RABBIT_URL`` come from the
environment (MANILA_LITE_TEST_*_URL), else the local defaults.
``throwaway_database`` and ``throwaway_vhost`` give a caller its own
database and virtual host and remove them afterwards, so that parallel
test workers (or a benchmark beside them) never see each other's rows or
messages. The functional tests and the benchmarks both use this; the
tests' skipping when a server is missing is in
manila_lite/tests/functional/services.py.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import urllib.parse
import uuid

import sqlalchemy as sa

MYSQL_URL = os.environ.get('MANILA_LITE_TEST_MYSQL_URL',
                           'mysql+pymysql://root@127.0.0.1:3306')
POSTGRES_URL = os.environ.get('MANILA_LITE_TEST_POSTGRES_URL',
                              'postgresql+psycopg2://postgres@127.0.0.1:5432')
RABBIT_URL = os.environ.get('MANILA_LITE_TEST_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')
CONNECT_TIMEOUT = 3


def server_engine(url):
    """An engine on the server itself, outside any of its databases."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == 'postgresql':
        url = url.set(database='postgres')
        args = {'connect_timeout': CONNECT_TIMEOUT}
    else:
        url = url.set(database=None)
        args = {'connect_timeout': CONNECT_TIMEOUT}
    return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                            connect_args=args, poolclass=sa.pool.NullPool)


def check_database(url):
    """Raise what connecting to the server at ``url`` raises, if any."""
    with server_engine(url).connect() as connection:
        connection.exec_driver_sql('SELECT 1')


def check_rabbit(url):
    """Raise OSError unless the broker at ``url`` takes connections."""
    parsed = urllib.parse.urlparse(url)
    socket.create_connection((parsed.hostname or '127.0.0.1',
                              parsed.port or 5672),
                             timeout=CONNECT_TIMEOUT).close()


def safe_url(url):
    """``url`` with its password hidden, for messages."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def create_database(server_url, prefix='ml_func'):
    """A new empty database on the server; its full URL."""
    name = '%s_%s' % (prefix, uuid.uuid4().hex[:12])
    engine = server_engine(server_url)
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
    engine = server_engine(url)
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
