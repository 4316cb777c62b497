"""The outside services functional tests need: MariaDB, PostgreSQL,
RabbitMQ, Redis, and what the local backend needs of the host.

Each ``require_*`` returns the server URL (from the environment, or the
local default) once the server answers; when it does not, the test is
skipped with the reason -- or fails, under CI=true, where a missing
service is a broken pipeline rather than a developer's laptop. Throwaway
databases and virtual hosts on those servers are made by
manila_lite.devtools.infra, which the benchmarks use too; only the
skipping is the tests' own.
"""

import os
import urllib.parse

import pytest

from manila_lite.devtools import infra
from manila_lite.devtools import local_network


def unavailable(message):
    if os.environ.get('CI', '').lower() == 'true':
        pytest.fail(message + ' (CI=true: the service is required)')
    pytest.skip(message)


def _require_database(url, env_name):
    try:
        infra.check_database(url)
    except Exception as err:
        unavailable('%s is not reachable (set %s): %s'
                    % (infra.safe_url(url), env_name, err))
    return url


def require_mysql():
    return _require_database(infra.MYSQL_URL, 'MANILA_LITE_TEST_MYSQL_URL')


def require_postgres():
    return _require_database(infra.POSTGRES_URL,
                             'MANILA_LITE_TEST_POSTGRES_URL')


def require_rabbit():
    parsed = urllib.parse.urlparse(infra.RABBIT_URL)
    try:
        infra.check_rabbit(infra.RABBIT_URL)
    except OSError as err:
        unavailable('RabbitMQ at %s:%s is not reachable (set '
                    'MANILA_LITE_TEST_RABBIT_URL): %s'
                    % (parsed.hostname, parsed.port, err))
    return infra.RABBIT_URL


REDIS_URL = os.environ.get('MANILA_LITE_TEST_REDIS_URL',
                           'redis://127.0.0.1:6379/0')


def require_redis():
    import redis  # only the tests that use Redis need its client

    parsed = urllib.parse.urlparse(REDIS_URL)
    try:
        redis.Redis.from_url(REDIS_URL,
                             socket_connect_timeout=infra.CONNECT_TIMEOUT
                             ).ping()
    except redis.RedisError as err:
        unavailable('Redis at %s:%s is not reachable (set '
                    'MANILA_LITE_TEST_REDIS_URL): %s'
                    % (parsed.hostname, parsed.port or 6379, err))
    return REDIS_URL


def require_local_backend():
    """Root, loop devices and the Debian packages the local backend's
    tests need."""
    missing = local_network.missing_requirements()
    if missing:
        if os.environ.get('CI', '').lower() == 'true':
            pytest.fail(missing +
                        ' (CI=true: the local backend tests must run)')
        pytest.skip(missing)
