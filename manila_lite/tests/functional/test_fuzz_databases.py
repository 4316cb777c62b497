"""No input answers 5xx on MariaDB and PostgreSQL either.

The fuzzer of the unit tests (manila_lite/tests/fuzz.py) and their table
of known bad input, fewer random requests, against the WSGI app on a
throwaway database of each server: what SQLite lets through (over-long
strings, integers beyond a column, NUL characters) these refuse, and the
API must have refused it first.

The walk runs in a child process (fuzz_run.py): it parses the global
configuration and serves a scheduler, which must not outlive it in the
pytest worker that runs other tests next.
"""

import json
import subprocess
import sys

import pytest

from manila_lite.devtools import infra
from manila_lite.tests.functional import services

COUNT = 1500
SEED = 7
TIMEOUT = 900
SERVERS = {'mysql': services.require_mysql,
           'postgres': services.require_postgres}


@pytest.mark.parametrize('server', sorted(SERVERS))
def test_no_request_answers_5xx(server):
    with infra.throwaway_database(SERVERS[server]()) as url:
        child = subprocess.run(
            [sys.executable, '-m', 'manila_lite.tests.functional.fuzz_run',
             '--database', url, '--seed', str(SEED), '--count', str(COUNT)],
            capture_output=True, text=True, timeout=TIMEOUT)
    lines = child.stdout.splitlines()
    try:
        summary = json.loads(lines[-1])
    except (IndexError, ValueError):
        summary = None
    assert summary is not None, (
        'the fuzz run (exit code %d) printed no summary:\n%s\n%s' % (
            child.returncode, child.stdout[-5000:], child.stderr[-5000:]))
    print(server, summary)
    failures = lines[:-1]
    assert not failures and summary['server_errors'] == 0, (
        '%s\n%d failures:\n%s' % (summary, len(failures),
                                  '\n'.join(failures[:30])))
    # An empty or cut-short walk must not pass for a clean one.
    assert summary['requests'] > COUNT, summary
    assert child.returncode == 0, (
        'exit code %d: %s\n%s' % (child.returncode, summary,
                                  child.stderr[-5000:]))
