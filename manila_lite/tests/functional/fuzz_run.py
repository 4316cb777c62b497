"""The API fuzz walk on a database server, as a process of its own.

test_fuzz_databases.py runs this once per server. It is a separate
process because the walk parses the global configuration and serves a
scheduler on the in-process fake:// transport: done inside pytest, that
state stayed behind and broke the API test fixtures of whatever test
came next on the same worker.

The setup is that of the unit fuzz test (tests/unit/api/test_fuzz.py),
on the database at ``--database`` instead of SQLite: the real WSGI app
(noauth), the scheduler manager with two reported backends, a share type,
an available share. Then the table of known bad input and ``--count``
seeded random requests over the routes of ``api/router.ROUTES``.

Every failing request is printed on a line of its own; the last line is a
JSON summary (requests sent, server errors, other failures, routes
walked). The exit code is 0 only when requests were sent and none failed.

    python -m manila_lite.tests.functional.fuzz_run \\
        --database mysql+pymysql://root@127.0.0.1/some_empty_db
"""

import argparse
import json
import sys
import tempfile

import webtest

from manila_lite.api import app as api_app
from manila_lite.api import router
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite.db import migration
from manila_lite.tests import fuzz
from manila_lite.tests.unit.api import helpers as api_helpers
from manila_lite.tests.unit.api import test_fuzz

CONF = conf.CONF


class Counting:
    """The WSGI app, counting the requests it answers and its 5xx."""

    def __init__(self, app):
        self.app = app
        self.requests = 0
        self.server_errors = 0

    def __call__(self, environ, start_response):
        self.requests += 1

        def counting_start(status, headers, exc_info=None):
            if status.startswith('5'):
                self.server_errors += 1
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, counting_start)
        except Exception:
            self.server_errors += 1
            raise


def _serve(url, state_path):
    """The WSGI app on ``url`` (migrated here) and the scheduler's RPC
    server."""
    CONF([], project='manila-lite', default_config_files=[],
         default_config_dirs=[])
    CONF.set_override('connection', url, group='database')
    CONF.set_override('state_path', state_path)
    CONF.set_override('auth_strategy', 'noauth')
    db_api.configure()
    migration.db_sync(engine=db_api.get_engine())
    _manager, server = api_helpers.start_scheduler()
    return api_app.build_app(), server


def walk(app, seed, count):
    """The known bad input, then ``count`` random requests: the summary
    and the failures."""
    admin_ctx = ml_context.RequestContext(
        user_id='admin', project_id=api_helpers.ADMIN_PROJECT,
        roles=['admin', 'member', 'reader'])
    ids = test_fuzz.known_ids(api_helpers.Client(webtest.TestApp(app)),
                              admin_ctx)
    counting = Counting(app)
    failures = test_fuzz.check_bad_input(counting, ids)
    generator = fuzz.Generator(seed, ids)
    walked = set()
    for request in generator.requests(count):
        walked.add(generator.route)
        problem = fuzz.failure(request, fuzz.send(counting, request,
                                                  test_fuzz.TOKEN))
        if problem:
            failures.append(problem)
    summary = {
        'requests': counting.requests,
        'server_errors': counting.server_errors,
        'failures': len(failures),
        'routes_walked': len(walked),
        'routes': sum(len(methods) for methods in router.ROUTES.values()),
    }
    return summary, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', required=True,
                        help='SQLAlchemy URL of an empty database')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--count', type=int, default=1500,
                        help='random requests after the known bad input')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='manila-lite-fuzz-') as state:
        app, server = _serve(args.database, state)
        try:
            summary, failures = walk(app, args.seed, args.count)
        finally:
            server.stop()
            server.wait()
            db_api.get_engine().dispose()
    for problem in failures:
        print(problem.replace('\n', '\\n'))
    print(json.dumps(summary))
    sys.stdout.flush()
    return 0 if summary['requests'] and not failures else 1


if __name__ == '__main__':
    sys.exit(main())
