#!/usr/bin/env python3
"""End-to-end throughput and latency of manila-lite share operations.

Measures, through the REST API only (plain HTTP, keep-alive, one
connection per client thread, 127.0.0.1 only):

1. creates per second, from the first POST until every share is
   ``available``, at several client concurrencies, and the latency of the
   create requests themselves;
2. deletes per second, from the first DELETE until the shares are gone;
3. ``GET /v2/shares/detail`` latency, unpaginated (capped by
   osapi_max_limit) and with ``?limit=100``, with 200 and 10,000 shares
   in the project; the shares beyond those made through the API are
   inserted in bulk into the service's database with manila_lite's own
   models (status ``available``, a real pool as host, two export
   locations), since making 10,000 through the API takes minutes;
4. ``GET /v2/shares/{id}`` latency;
5. server CPU seconds (user+system of the server processes and their
   children) per share created and deleted, and per read request, and the
   servers' RSS (PSS and USS beside it) once the run is over; MariaDB's
   and RabbitMQ's CPU and RSS are reported apart (``shared_services``).

Each figure of the performance targets (issue 7) is then set beside its
target (``targets`` in the JSON, the last lines of the table).

It either deploys manila-lite itself, from nothing, with the functional
tests' deployment module, and removes it all at the end
(``--deploy all-in-one``, the default; ``--deploy split``: API with 2
workers, scheduler, share service with 2 fake backends, a throwaway
MariaDB database and RabbitMQ; ``--deploy both``: one after the other),
or measures a running service (``--endpoint http://127.0.0.1:8786``;
give ``--db-connection`` for the list measurements, which need to insert
rows).

One JSON object goes to stdout (with ``--deploy both``, ``runs`` holds
one report per deployment); a readable table to stderr (not with
``--json-only``). Examples::

    python benchmarks/bench_shares.py --quick
    python benchmarks/bench_shares.py
    python benchmarks/bench_shares.py --deploy split --quick
    python benchmarks/bench_shares.py --deploy both --json-only
    python benchmarks/bench_shares.py --endpoint http://127.0.0.1:8786 \\
        --db-connection sqlite:////var/lib/manila-lite/manila.sqlite
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import warnings

import psutil
import sqlalchemy as sa

VERSION_HEADER = 'X-OpenStack-Manila-API-Version'
LOCAL_HOSTS = ('127.0.0.1', 'localhost', '::1')
POLL_INTERVAL = 0.1
QUIET = False
# Rows per transaction when inserting shares directly.
INSERT_CHUNK = 1000
# What opens an oslo.log record, after the logger name: its context.
_LOG_CONTEXT = re.compile(r'\[(-|(\S+ )?req-[0-9a-f-]+)[ \]]')


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


def log(message, *args):
    """Progress on stderr, so stdout carries nothing but the JSON."""
    if QUIET:
        return
    sys.stderr.write('[%s] %s\n' % (time.strftime('%H:%M:%S'),
                                    message % args if args else message))
    sys.stderr.flush()


def percentile(values, fraction):
    """Linear interpolation between the closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_stats(seconds):
    """Milliseconds, rounded for reading; samples count alongside."""
    def ms(value):
        return None if value is None else round(value * 1000, 2)
    return {'samples': len(seconds),
            'p50_ms': ms(percentile(seconds, 0.50)),
            'p95_ms': ms(percentile(seconds, 0.95)),
            'max_ms': ms(max(seconds) if seconds else None)}


# -- HTTP -------------------------------------------------------------------

class Response:
    def __init__(self, status, body, elapsed):
        self.status = status
        self.body = body
        self.elapsed = elapsed

    def json(self):
        return json.loads(self.body) if self.body else {}


class ApiError(BenchError):
    def __init__(self, method, path, response):
        super().__init__('%s %s answered %s: %s' % (
            method, path, response.status,
            response.body[:300].decode(errors='replace')))
        self.status = response.status


class Client:
    """Keep-alive HTTP/1.1 to the share API, one connection per thread."""

    def __init__(self, endpoint, token, timeout):
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme != 'http' or parsed.hostname not in LOCAL_HOSTS:
            raise BenchError('only http://127.0.0.1 endpoints are measured, '
                             'not %s' % endpoint)
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.prefix = parsed.path.rstrip('/')
        self.timeout = timeout
        self.headers = {'X-Auth-Token': token,
                        'Accept': 'application/json',
                        'Content-Type': 'application/json'}
        self._local = threading.local()

    def _connection(self):
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port,
                                              timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop(self):
        conn = getattr(self._local, 'conn', None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def request(self, method, path, body=None, expect=(200,)):
        """One call; raises ApiError unless the status is in ``expect``.

        A request on a kept-alive connection the server has closed in
        the meantime is sent once more on a new connection: the server
        never saw it.
        """
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(2):
            conn = self._connection()
            reused = conn.sock is not None
            start = time.perf_counter()
            try:
                conn.request(method, self.prefix + path, body=data,
                             headers=self.headers)
                raw = conn.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                self._drop()
                if reused and attempt == 0:
                    continue
                raise
            except BaseException:
                self._drop()
                raise
            response = Response(raw.status, payload,
                                time.perf_counter() - start)
            if raw.will_close:
                self._drop()
            if expect and response.status not in expect:
                raise ApiError(method, path, response)
            return response

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)


def query(path, **params):
    return '%s?%s' % (path, urllib.parse.urlencode(params))


# -- server processes -------------------------------------------------------

class ProcessTree:
    """CPU and memory of the server processes and whatever they fork."""

    def __init__(self, pids):
        self.roots = [psutil.Process(pid) for pid in pids]

    def members(self):
        found = {}
        for root in self.roots:
            try:
                for proc in [root] + root.children(recursive=True):
                    found[proc.pid] = proc
            except psutil.NoSuchProcess:
                continue
        return list(found.values())

    def cpu_seconds(self):
        """user+system of the live processes, plus what the ones already
        reaped used (counted in their parents' children times)."""
        total = 0.0
        for proc in self.members():
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += (times.user + times.system + times.children_user +
                      times.children_system)
        return total

    def memory(self):
        """pid, name, rss, and pss and uss where the system tells them."""
        found = []
        for proc in self.members():
            try:
                entry = {'pid': proc.pid, 'name': proc.name()}
                try:
                    info = proc.memory_full_info()
                    entry.update(rss=info.rss, pss=getattr(info, 'pss', 0),
                                 uss=info.uss)
                except psutil.AccessDenied:
                    entry['rss'] = proc.memory_info().rss
                found.append(entry)
            except psutil.NoSuchProcess:
                continue
        return found

    def listens_on(self, port):
        for proc in self.members():
            try:
                connections = proc.net_connections(kind='tcp')
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == port
                   for c in connections):
                return True
        return False


def shared_service_cpu():
    """CPU so far and RSS now of MariaDB and RabbitMQ, which other users
    share."""
    names = {'mariadbd': 'mariadb', 'mysqld': 'mariadb',
             'beam.smp': 'rabbitmq'}
    totals = {}
    for proc in psutil.process_iter(['name']):
        service = names.get(proc.info['name'])
        if service is None:
            continue
        try:
            times = proc.cpu_times()
            rss = proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        entry = totals.setdefault(service, {'cpu_s': 0.0, 'rss': 0})
        entry['cpu_s'] += times.user + times.system
        entry['rss'] += rss
    return totals


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- deployments ------------------------------------------------------------
#
# Deployments are those of the functional tests
# (manila_lite/devtools/deployment.py): the same daemons, config and
# start-up checks, with the benchmark's own settings on top.

def _deploy_module():
    try:
        from manila_lite.devtools import deployment
        from manila_lite.devtools import infra
    except ImportError as err:
        raise BenchError('deploying needs manila-lite installed here '
                         '(pip install -e .): %s' % err)
    return deployment, infra


def wait(predicate, timeout, what, interval=0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (OSError, http.client.HTTPException, ApiError) as err:
            result, last = None, err
        if result:
            return result
        time.sleep(interval)
    raise BenchError('timed out after %ss waiting for %s%s' % (
        timeout, what, ' (last error: %s)' % last if last else ''))


class Endpoint:
    """A service somebody else runs: nothing to start or stop."""

    mode = 'endpoint'
    expected_pools = 1

    def __init__(self, run_id, endpoint, db_url=None, pids=()):
        self.run_id = run_id
        self.endpoint = endpoint.rstrip('/')
        self.db_url = db_url
        self.pids = list(pids)
        self.description = {'mode': self.mode, 'endpoint': self.endpoint}

    def start(self, timeout):
        pass

    def stop(self):
        pass


class Managed:
    """A deployment started here from nothing and removed at the end."""

    mode = None

    def __init__(self, run_id, keep=False):
        self.run_id = run_id
        self.keep = keep
        self.workdir = tempfile.mkdtemp(prefix='manila-lite-bench-')
        self.deployment = None
        self.db_url = None
        self.endpoint = None
        self.description = {'mode': self.mode}

    @property
    def pids(self):
        if self.deployment is None:
            return []
        return [d.pid for d in self.deployment.daemons.values() if d.pid]

    @property
    def expected_pools(self):
        return self.deployment.expected_pools

    def _tune(self, deployment):
        """The benchmark's settings over the functional tests' ones:
        default report and periodic intervals (theirs are 1s, to make
        tests quick), no debug logging, no quota in the way."""
        defaults = deployment.config['DEFAULT']
        for option in ('report_interval', 'periodic_interval',
                       'service_down_time'):
            defaults.pop(option, None)
        defaults.update(host='bench-%s' % self.run_id, debug='false')
        deployment.config['quota'] = {'shares': -1, 'gigabytes': -1}
        deployment.write_config()
        self.deployment = deployment
        self.endpoint = deployment.endpoint
        self.description.update(endpoint=self.endpoint,
                                workdir=self.workdir)

    def start(self, timeout):
        """Start the daemons; the API must then answer from one of them,
        and the scheduler know every pool."""
        try:
            self.deployment.start(timeout=timeout)
        except Exception as err:
            raise BenchError('the deployment did not start: %s' % err)
        if not ProcessTree(self.pids).listens_on(self.deployment.port):
            raise BenchError('port %d answers, but not from the daemons '
                             'started here (taken meanwhile?)'
                             % self.deployment.port)

    def check_alive(self):
        try:
            self.deployment.check_alive()
        except Exception as err:
            raise BenchError(str(err))

    def log_errors(self):
        """Errors the daemons logged: how many, and a few messages.

        oslo.log lines read ``date time pid ERROR logger [context] text``;
        the lines of a traceback that follow carry no context.
        """
        found = {}
        for name, path in self.deployment.logs.items():
            count, samples = 0, []
            try:
                with open(path, errors='replace') as f:
                    for line in f:
                        _head, sep, tail = line.partition(' ERROR ')
                        rest = tail.partition(' ')[2]
                        if not sep or not _LOG_CONTEXT.match(rest):
                            continue
                        count += 1
                        text = rest.partition('] ')[2].strip()[:200]
                        if text and text not in samples and \
                                len(samples) < 3:
                            samples.append(text)
            except OSError:
                continue
            if count:
                found[name] = {'errors': count, 'samples': samples}
        return found

    def stop(self):
        if self.deployment is not None:
            try:
                self.deployment.stop()
            except Exception as err:
                log('stopping the daemons failed: %s', err)
        if self.keep:
            log('kept %s', self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


class AllInOne(Managed):
    """manila-lite-all: SQLite, in-process messaging, one fake backend."""

    mode = 'all-in-one'

    def __init__(self, run_id, keep=False):
        super().__init__(run_id, keep)
        deploy, _infra = _deploy_module()
        self._tune(deploy.all_in_one(self.workdir))
        self.db_url = 'sqlite:///%s' % os.path.join(
            self.workdir, 'state', 'manila.sqlite')
        self.description.update(database='sqlite', transport='fake://',
                                backends=['fake'])


class Split(Managed):
    """API (gunicorn, 2 workers), scheduler and a share service with two
    fake backends, apart, on a throwaway MariaDB database and RabbitMQ
    with topics of their own."""

    mode = 'split'
    backends = ('fake1', 'fake2')

    def __init__(self, run_id, db_server, transport_url, keep=False):
        super().__init__(run_id, keep)
        self.db_server = db_server
        deploy, _infra = _deploy_module()
        # The database is made as the deployment starts.
        self._tune(deploy.split(self.workdir, 'sqlite://', transport_url,
                                'bench-%s' % run_id,
                                backends={b: {} for b in self.backends}))
        self.deployment.config['oslo_messaging_rabbit'] = {
            # Queues go away with their consumers: the broker is shared
            # and our topics are never used again.
            'amqp_auto_delete': 'true'}
        self.description.update(transport='rabbit', api_workers=2,
                                backends=list(self.backends))

    def start(self, timeout):
        _deploy, infra = _deploy_module()
        try:
            self.db_url = infra.create_database(
                self.db_server, prefix='manila_lite_bench')
        except Exception as err:
            raise BenchError('cannot create a database on %s: %s' % (
                sa.engine.make_url(self.db_server).render_as_string(),
                err))
        self.deployment.config['database']['connection'] = self.db_url
        self.deployment.write_config()
        url = sa.engine.make_url(self.db_url)
        self.description.update(database=url.get_backend_name(),
                                database_driver=url.get_driver_name())
        try:
            self.deployment.manage('db', 'sync')
        except RuntimeError as err:
            raise BenchError(str(err))
        super().start(timeout)

    def stop(self):
        super().stop()
        if self.db_url is None:
            return
        _deploy, infra = _deploy_module()
        try:
            infra.drop_database(self.db_url)
        except Exception as err:
            log('dropping database %s failed: %s', self.db_url, err)


# -- setting up the service for the run --------------------------------------

def default_db_server():
    """The local MariaDB through mysqlclient, the driver README
    recommends, when it is installed; else through PyMySQL."""
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        return 'mysql+pymysql://root@127.0.0.1:3306'
    return 'mysql+mysqldb://root@127.0.0.1:3306'


def discover_version(client):
    """The highest microversion the root document advertises."""
    versions = client.get('/', expect=(200, 300)).json()['versions']
    best = max((v['version'] for v in versions if v.get('version')),
               key=lambda text: tuple(int(p) for p in text.split('.')))
    client.headers[VERSION_HEADER] = best
    return best


def wait_for_pools(client, deployment, timeout):
    def pools():
        if isinstance(deployment, Managed):
            deployment.check_alive()
        found = client.get('/v2/scheduler-stats/pools').json()['pools']
        return len(found) >= deployment.expected_pools and found
    return wait(pools, timeout, '%d pool(s) in the scheduler'
                % deployment.expected_pools, interval=0.5)


class Setup:
    """What the run changed on the service, so it can be put back."""

    def __init__(self, project):
        self.project = project
        self.created_type = None
        self.old_quota = None
        self.inserted_prefix = None


def ensure_share_type(client, setup):
    """The default type, else one named 'default', else a new one."""
    response = client.get('/v2/types/default', expect=(200, 404))
    if response.status == 200:
        return response.json()['share_type']
    for share_type in client.get('/v2/types').json()['share_types']:
        if share_type['name'] == 'default':
            return share_type
    log('creating share type "default" (driver_handles_share_servers '
        'False)')
    share_type = client.request('POST', '/v2/types', {'share_type': {
        'name': 'default', 'share_type_access:is_public': True,
        'extra_specs': {'driver_handles_share_servers': False,
                        'snapshot_support': True}}}).json()['share_type']
    setup.created_type = share_type['id']
    return share_type


def ensure_quota(client, project, needed, setup):
    """Lift the project's share quotas for the run if they are too low."""
    path = '/v2/quota-sets/%s' % project
    limits = client.get(path).json()['quota_set']
    if all(limits[k] == -1 or limits[k] >= needed
           for k in ('shares', 'gigabytes')):
        return
    defaults = client.get(path + '/defaults').json()['quota_set']
    # Put back later by deleting the project's limits and setting again
    # those that differed from the defaults.
    setup.old_quota = {k: v for k, v in limits.items()
                       if k in defaults and k != 'id' and v != defaults[k]}
    log('lifting share quotas of project %s for the run', project)
    client.request('PUT', path, {'quota_set': {'shares': -1,
                                               'gigabytes': -1}})


def restore(client, setup, db_url):
    if setup.inserted_prefix and db_url:
        delete_inserted(db_url, setup.inserted_prefix)
    if setup.created_type:
        client.request('DELETE', '/v2/types/%s' % setup.created_type,
                       expect=(202, 204, 404))
    if setup.old_quota is not None:
        path = '/v2/quota-sets/%s' % setup.project
        client.request('DELETE', path, expect=(200, 202, 204))
        if setup.old_quota:
            client.request('PUT', path, {'quota_set': setup.old_quota})


# -- the measurements --------------------------------------------------------

def run_threads(count, concurrency, task, stop):
    """``task(i)`` for i < count from ``concurrency`` threads.

    Returns the results in order; a failed call leaves its exception.
    """
    items = iter(range(count))
    lock = threading.Lock()
    results = [None] * count

    def worker():
        while not stop.is_set():
            with lock:
                index = next(items, None)
            if index is None:
                return
            try:
                results[index] = task(index)
            except Exception as err:
                results[index] = err

    threads = [threading.Thread(target=worker, daemon=True)
               for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except BaseException:
        stop.set()
        raise
    return results


def list_all(client, path, **params):
    """Every share a filtered list returns, page by page."""
    items = []
    params = dict(params, limit=1000)
    while True:
        page = client.get(query(path, **params)).json()['shares']
        items.extend(page)
        if len(page) < params['limit']:
            return items
        params['marker'] = page[-1]['id']


def wait_until_none(client, prefix, status, args, stop, tree):
    """Poll the cheap summary list until no share of the batch is in
    ``status``, or none has left it for ``--stall-timeout`` seconds.

    Returns the polls made, the shares left in ``status``, and the time
    and server CPU when the batch last moved (its end if it settled).
    """
    # One share and the count: what the poll costs the server (counted in
    # its CPU per share) does not grow with the batch.
    path = query('/v2/shares', status=status, limit=1, with_count='true',
                 **{'name~': prefix})
    deadline = time.perf_counter() + args.timeout
    polls, best = 0, None
    moved = {'end': time.perf_counter(), 'cpu': tree.cpu_seconds()}
    while not stop.is_set():
        polls += 1
        remaining = remaining_in(client, path, prefix, status)
        now = time.perf_counter()
        if best is None or remaining < best:
            best = remaining
            moved = {'end': now, 'cpu': tree.cpu_seconds()}
        if not remaining:
            return dict(moved, polls=polls, stuck=0)
        if now - moved['end'] > args.stall_timeout or now > deadline:
            log('giving up: %d share(s) %s* still %s, none moved for %.0fs',
                remaining, prefix, status, now - moved['end'])
            return dict(moved, polls=polls, stuck=remaining)
        time.sleep(POLL_INTERVAL)
    raise KeyboardInterrupt


def remaining_in(client, path, prefix, status):
    """Shares of the batch still in ``status``; a service without
    ``with_count`` (before 2.42) is asked for the whole list."""
    body = client.get(path).json()
    if 'count' in body:
        return body['count']
    return len(list_all(client, '/v2/shares', status=status,
                        **{'name~': prefix}))


def run_batch(client, args, tree, stop, prefix, status, count, concurrency,
              call):
    """``count`` calls from ``concurrency`` threads, then the wait until
    no share of the batch is in ``status``; what is common to report."""
    cpu = tree.cpu_seconds()
    start = time.perf_counter()
    results = run_threads(count, concurrency, call, stop)
    accepted = time.perf_counter() - start
    settled = wait_until_none(client, prefix, status, args, stop, tree)
    shares = list_all(client, '/v2/shares/detail', **{'name~': prefix})
    failed, messages = failures(results)
    return results, shares, {
        'concurrency': concurrency, 'requested': count,
        'failed_requests': failed, 'error_messages': messages,
        'statuses': statuses(shares), 'stuck_' + status: settled['stuck'],
        # Stalled batches end when they last moved.
        'seconds': round(settled['end'] - start, 3),
        'server_cpu_s': round(settled['cpu'] - cpu, 2),
        'requests_seconds': round(accepted, 3), 'polls': settled['polls'],
    }


def statuses(shares):
    counts = {}
    for share in shares:
        counts[share['status']] = counts.get(share['status'], 0) + 1
    return counts


def failures(results):
    errors = [r for r in results if isinstance(r, Exception)]
    return len(errors), sorted({str(e)[:200] for e in errors})[:3]


def measure_creates(client, args, tree, stop, share_type, prefix,
                    concurrency):
    def create(index):
        response = client.request('POST', '/v2/shares', {'share': {
            'share_proto': 'NFS', 'size': 1,
            'name': '%s%d' % (prefix, index),
            'share_type': share_type['name']}}, expect=(200, 202))
        return response.json()['share']['id'], response.elapsed

    results, _shares, report = run_batch(
        client, args, tree, stop, prefix, 'creating', args.shares,
        concurrency, create)
    made = [r for r in results if isinstance(r, tuple)]
    report['done'] = report['statuses'].get('available', 0)
    report['per_second'] = round(
        report['done'] / max(report['seconds'], 1e-3), 2)
    report['request_latency'] = latency_stats([r[1] for r in made])
    return [r[0] for r in made], report


def measure_deletes(client, args, tree, stop, ids, prefix, concurrency):
    def delete(index):
        return client.request('DELETE', '/v2/shares/%s' % ids[index],
                              expect=(202,)).elapsed

    results, left, report = run_batch(
        client, args, tree, stop, prefix, 'deleting', len(ids),
        concurrency, delete)
    report['done'] = len(ids) - len(left)
    report['per_second'] = round(
        report['done'] / max(report['seconds'], 1e-3), 2)
    report['request_latency'] = latency_stats(
        [r for r in results if isinstance(r, float)])
    return report


def timed_gets(client, paths, samples, tree=None):
    """Sequential GETs (after two warm-ups); latencies, items, bytes, and
    the server CPU per request, which other load on the machine changes
    less than the latency."""
    for path in paths[:2]:
        client.get(path)
    seconds, items, size = [], None, 0
    cpu = tree.cpu_seconds() if tree else None
    for index in range(samples):
        response = client.get(paths[index % len(paths)])
        seconds.append(response.elapsed)
        size = len(response.body)
        body = response.json()
        if 'shares' in body:
            items = len(body['shares'])
    stats = latency_stats(seconds)
    stats.update(items=items, response_bytes=size)
    if tree:
        stats['server_cpu_ms_per_request'] = round(
            (tree.cpu_seconds() - cpu) * 1000 / max(samples, 1), 2)
    return stats


def project_share_count(client):
    body = client.get(query('/v2/shares', with_count='true',
                            limit=1)).json()
    if 'count' in body:
        return body['count']
    return len(list_all(client, '/v2/shares'))


def _models():
    """manila_lite's models, without the warnings its imports print."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        from manila_lite.db import models
    return models


def insert_shares(db_url, count, start, prefix, project, user, share_type,
                  hosts, zone):
    """Shares that look as if the fake backend made them: available, on a
    real pool, with the export locations it gives. Bulk SQL through
    manila_lite's own rows (devtools/share_rows.py); quota usage is not
    charged."""
    _models()
    # After _models' quieting:
    from manila_lite.devtools import share_rows
    from manila_lite.share import extra_specs
    capabilities = extra_specs.share_capabilities(
        share_type.get('extra_specs') or {})
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        return share_rows.insert_shares(
            engine.begin, count, share_type['id'], hosts, project=project,
            user=user, name_prefix=prefix, start=start, zone=zone,
            share_fields=capabilities, chunk=INSERT_CHUNK)
    finally:
        engine.dispose()


def delete_inserted(db_url, prefix):
    models = _models()
    share_ids = sa.select(models.Share.id).where(
        models.Share.display_name.like(prefix + '%'))
    instance_ids = sa.select(models.ShareInstance.id).where(
        models.ShareInstance.share_id.in_(share_ids))
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.delete(models.ExportLocation).where(
                models.ExportLocation.share_instance_id.in_(instance_ids)))
            conn.execute(sa.delete(models.ShareInstance).where(
                models.ShareInstance.share_id.in_(share_ids)))
            conn.execute(sa.delete(models.Share).where(
                models.Share.display_name.like(prefix + '%')))
    finally:
        engine.dispose()


def measure_lists(client, args, deployment, setup, share_type, pools,
                  project, user, run_id):
    zones = client.get('/v2/availability-zones').json()
    zone = next((z['name'] for z in zones['availability_zones']), 'nova')
    prefix = 'bench-%s-bulk-' % run_id
    setup.inserted_prefix = prefix
    hosts = [pool['name'] for pool in pools]
    results, inserted_ids = [], []
    tree = ProcessTree(deployment.pids) if deployment.pids else None
    for size in args.list_sizes:
        present = project_share_count(client)
        missing = max(size - present, 0)
        if missing:
            log('inserting %d shares directly into the database (%d '
                'there)', missing, present)
            start = time.perf_counter()
            inserted_ids += insert_shares(
                deployment.db_url, missing, len(inserted_ids), prefix,
                project, user, share_type, hosts, zone)
            log('inserted in %.1fs', time.perf_counter() - start)
        total = project_share_count(client)
        log('GET /v2/shares/detail with %d shares in the project', total)
        show_ids = random.Random(size).sample(
            inserted_ids, min(len(inserted_ids), 50))
        entry = {
            'shares_in_project': total,
            'inserted_directly': len(inserted_ids),
            'unpaginated': timed_gets(client, ['/v2/shares/detail'],
                                      args.list_samples, tree),
            'limit_100': timed_gets(client, ['/v2/shares/detail?limit=100'],
                                    args.list_samples * 3, tree),
        }
        if show_ids:
            entry['show'] = timed_gets(
                client, ['/v2/shares/%s' % i for i in show_ids],
                args.show_samples, tree)
        results.append(entry)
    return results


def measure_lifecycle(client, args, tree, stop, share_type, run_id):
    """Create and delete ``--shares`` shares at each concurrency; the rows
    of each batch and the server CPU they took."""
    created, deleted = [], []
    for concurrency in args.concurrency:
        prefix = 'bench-%s-c%d-' % (run_id, concurrency)
        log('create %d shares at concurrency %d', args.shares, concurrency)
        ids, row = measure_creates(client, args, tree, stop, share_type,
                                   prefix, concurrency)
        created.append(row)
        log('delete them at concurrency %d', concurrency)
        deleted.append(measure_deletes(client, args, tree, stop, ids,
                                       prefix, concurrency))
    return created, deleted


def server_figures(tree, created, deleted):
    """CPU per share created and deleted, and the memory of the server
    processes now: RSS (the target's figure) and, since forked workers
    share pages, PSS and USS beside it."""
    cpu = sum(row['server_cpu_s'] for row in created + deleted)
    shares = sum(row['done'] for row in deleted)
    memory = tree.memory()
    return {
        'processes': len(memory),
        'cpu_s_create_delete': round(cpu, 2),
        'shares_created_and_deleted': shares,
        'cpu_ms_per_share': (round(cpu * 1000 / shares, 2)
                             if shares else None),
        'cpu_s_total': round(tree.cpu_seconds(), 2),
        'rss_mb_end': _mb(sum(m['rss'] for m in memory)),
        'pss_mb_end': _mb(sum(m.get('pss', 0) for m in memory)),
        'uss_mb_end': _mb(sum(m.get('uss', 0) for m in memory)),
        'rss_mb_by_process': {'%d %s' % (m['pid'], m['name']):
                              _mb(m['rss']) for m in memory},
    }


def shared_figures(start, end):
    """MariaDB's and RabbitMQ's CPU over the run and RSS at its end."""
    figures = {}
    for name, value in end.items():
        before = start.get(name, {}).get('cpu_s', 0)
        figures[name] = {
            'cpu_s_create_delete_and_lists': round(value['cpu_s'] - before,
                                                   2),
            'rss_mb': _mb(value['rss'])}
    return figures


def _mb(value):
    return round(value / 2 ** 20, 1)


def new_report(args):
    return {'benchmark': 'manila-lite shares', 'format': 2,
            'started_at': datetime.datetime.now(
                datetime.timezone.utc).isoformat(timespec='seconds'),
            'machine': {'cpus': os.cpu_count(),
                        'python': platform.python_version(),
                        'load_average_at_start': [
                            round(x, 2) for x in os.getloadavg()]},
            'params': {'shares': args.shares,
                       'concurrency': args.concurrency,
                       'list_sizes': args.list_sizes,
                       'quick': args.quick},
            'notes': []}


def run(args, deployment, client, stop):
    report = new_report(args)
    user, _sep, project = args.token.partition(':')
    project = project or user
    setup = Setup(project)
    run_id = deployment.run_id
    try:
        log('starting %s', deployment.description['mode'])
        deployment.start(args.start_timeout)
        version = discover_version(client)
        pools = wait_for_pools(client, deployment, args.start_timeout)
        report['deployment'] = dict(deployment.description,
                                    api_version=version,
                                    pools=[p['name'] for p in pools])
        log('%s at %s, API %s, %d pool(s)', deployment.description['mode'],
            deployment.endpoint, version, len(pools))
        share_type = ensure_share_type(client, setup)
        if not isinstance(deployment, Managed):
            ensure_quota(client, project, args.shares * 2, setup)
        if not deployment.pids:
            report['notes'].append('server CPU and RSS not measured: give '
                                   '--server-pid for an external service')
        tree = ProcessTree(deployment.pids)
        shared_start = shared_service_cpu()
        client_start = client_cpu()
        report['create'], report['delete'] = measure_lifecycle(
            client, args, tree, stop, share_type, run_id)
        client_lifecycle = client_cpu() - client_start
        if deployment.db_url and args.list_sizes:
            report['list'] = measure_lists(client, args, deployment, setup,
                                           share_type, pools, project, user,
                                           run_id)
            report['notes'].append(
                'for the list measurements, shares beyond those in the '
                'project were inserted directly into the database in bulk '
                'by manila_lite.devtools.share_rows (status available, on a '
                'real pool, two export locations each, as the fake backend '
                'makes them; quota usage not charged): creating 10,000 '
                'through the API would take minutes and measure nothing '
                'more about listing')
        else:
            report['notes'].append('list measurements skipped: no '
                                   '--db-connection to insert shares')
        report['server'] = None if not deployment.pids else server_figures(
            tree, report['create'], report['delete'])
        if isinstance(deployment, Managed):
            report['server_log_errors'] = deployment.log_errors()
        shared_end = shared_service_cpu()
        if isinstance(deployment, Split):
            report['shared_services'] = shared_figures(shared_start,
                                                       shared_end)
            report['notes'].append(
                'MariaDB and RabbitMQ are not in server CPU and RSS; their '
                'figures (shared_services) include every other user of '
                'the machine')
        report['summary'] = summary(report)
        report['targets'] = check_targets(report)
        report['client'] = {'cpu_s_create_delete': round(client_lifecycle,
                                                         2)}
        report['notes'].append(
            'create/delete end to end: first request until the summary '
            'list (polled every %.1fs, limit=1 with_count) counts none of '
            'the batch creating (deleting), so times carry up to one poll '
            'of lag; the polls are in the server CPU' %
            POLL_INTERVAL)
        return report
    finally:
        # A deployment of our own goes away whole; somebody else's
        # service gets back its quota, types and rows.
        if not isinstance(deployment, Managed):
            try:
                restore(client, setup, deployment.db_url)
            except Exception as err:
                log('putting the service back failed: %s', err)


# -- the targets of issue 7 ---------------------------------------------------

# (summary key, label, comparison, split target, all-in-one target)
TARGETS = [
    ('creates_per_s_c32', 'creates/s end to end, c=32', '>=', 60, 100),
    ('deletes_per_s_c32', 'deletes/s end to end, c=32', '>=', 60, 100),
    ('server_cpu_ms_per_share', 'server CPU ms per share created+deleted',
     '<=', 50, 20),
    ('list_unpaginated_p50_ms_at_200', 'GET /shares/detail, 200 shares, '
     'p50 ms', '<=', 15, 15),
    ('list_limit_100_p50_ms_at_10000', 'GET /shares/detail?limit=100, '
     '10,000 shares, p50 ms', '<=', 30, 30),
    ('show_p50_ms_at_200', 'GET /shares/{id} p50 ms', '<=', 3, 3),
    ('server_rss_mb_end', 'RSS MB of manila-lite processes after the run',
     '<=', 350, 150),
]


def check_targets(report):
    """Each figure of the issue's table beside its target; ``met`` is
    None where the run did not measure it (other sizes or
    concurrencies)."""
    mode = report.get('deployment', {}).get('mode')
    values = report.get('summary', {})
    rows = []
    for key, label, op, split_target, aio_target in TARGETS:
        target = split_target if mode == 'split' else aio_target
        value = values.get(key)
        met = None if value is None else (
            value >= target if op == '>=' else value <= target)
        rows.append({'figure': key, 'label': label, 'value': value,
                     'target': '%s %s' % (op, target), 'met': met})
    return rows


# -- output -----------------------------------------------------------------

def summary(report):
    """The headline figures, keyed for scripts comparing runs."""
    result = {}
    for op in ('create', 'delete'):
        for row in report.get(op, []):
            conc = row['concurrency']
            result['%ss_per_s_c%d' % (op, conc)] = row['per_second']
            result['%s_request_p50_ms_c%d' % (op, conc)] = \
                row['request_latency']['p50_ms']
            result['%s_request_p95_ms_c%d' % (op, conc)] = \
                row['request_latency']['p95_ms']
    for entry in report.get('list', []):
        size = entry['shares_in_project']
        for key in ('unpaginated', 'limit_100', 'show'):
            if key in entry:
                name = 'show' if key == 'show' else 'list_' + key
                for stat in ('p50_ms', 'p95_ms',
                             'server_cpu_ms_per_request'):
                    result['%s_%s_at_%d' % (name, stat, size)] = \
                        entry[key].get(stat)
    server = report.get('server') or {}
    result['server_cpu_ms_per_share'] = server.get('cpu_ms_per_share')
    result['server_rss_mb_end'] = server.get('rss_mb_end')
    return result


def table(report):
    lines = []
    deployment = report.get('deployment', {})
    lines.append('manila-lite %s at %s (API %s, database %s%s, pools: %s)'
                 % (deployment.get('mode'), deployment.get('endpoint'),
                    deployment.get('api_version'),
                    deployment.get('database'),
                    '+%s' % deployment['database_driver']
                    if deployment.get('database_driver') else '',
                    ', '.join(deployment.get('pools', []))))
    lines.append('')
    lines.append('%-7s %4s %5s %5s %8s %8s %8s %8s %9s' % (
        'op', 'conc', 'ok', 'fail', 'per s', 'total s', 'req p50',
        'req p95', 'cpu ms/op'))
    for op in ('create', 'delete'):
        for row in report.get(op, []):
            done, latency = row['done'], row['request_latency']
            lines.append('%-7s %4d %5d %5d %8.1f %8.2f %8s %8s %9s' % (
                op, row['concurrency'], done, row['requested'] - done,
                row['per_second'], row['seconds'], latency['p50_ms'],
                latency['p95_ms'],
                round(row['server_cpu_s'] * 1000 / done, 1)
                if done and report.get('server') else '-'))
    lists = report.get('list', [])
    if lists:
        lines.append('')
        lines.append('%-28s %8s %7s %9s %9s %9s' % (
            'request (ms)', 'shares', 'items', 'p50', 'p95', 'srv cpu'))
        for entry in lists:
            for label, key in (('GET /shares/detail', 'unpaginated'),
                               ('GET /shares/detail?limit=100',
                                'limit_100'),
                               ('GET /shares/{id}', 'show')):
                if key in entry:
                    stats = entry[key]
                    lines.append('%-28s %8d %7s %9s %9s %9s' % (
                        label, entry['shares_in_project'],
                        stats.get('items') or '-', stats['p50_ms'],
                        stats['p95_ms'],
                        stats.get('server_cpu_ms_per_request', '-')))
    server = report.get('server')
    if server:
        lines.append('')
        lines.append('server: %.2f CPU s for %d shares created and deleted '
                     '(%s ms each), %d process(es), RSS %.1f MB at the end '
                     '(PSS %.1f, USS %.1f)'
                     % (server['cpu_s_create_delete'],
                        server['shares_created_and_deleted'],
                        server['cpu_ms_per_share'], server['processes'],
                        server['rss_mb_end'], server.get('pss_mb_end', 0),
                        server.get('uss_mb_end', 0)))
        lines.append('        RSS MB by process: ' + ', '.join(
            '%s %s' % item for item in sorted(
                server['rss_mb_by_process'].items())))
    for name, figures in sorted(report.get('shared_services', {}).items()):
        lines.append('%s (shared, not counted): %.2f CPU s, RSS %.1f MB' % (
            name, figures['cpu_s_create_delete_and_lists'],
            figures['rss_mb']))
    if report.get('targets'):
        lines.append('')
        lines.append('%-52s %10s %8s  %s' % ('issue 7 figure', 'measured',
                                             'target', 'met'))
        for row in report['targets']:
            lines.append('%-52s %10s %8s  %s' % (
                row['label'], '-' if row['value'] is None else row['value'],
                row['target'], {True: 'yes', False: 'NO',
                                None: 'not measured'}[row['met']]))
    for op in ('create', 'delete'):
        for row in report.get(op, []):
            stuck = row.get('stuck_creating') or row.get('stuck_deleting')
            if row['failed_requests'] or stuck:
                lines.append('%s c%d: %d request(s) failed, %d share(s) '
                             'stuck%s' % (
                                 op, row['concurrency'],
                                 row['failed_requests'], stuck or 0,
                                 ', e.g. ' + row['error_messages'][0]
                                 if row['error_messages'] else ''))
    for name, errors in sorted(report.get('server_log_errors',
                                          {}).items()):
        lines.append('%s logged %d error(s), e.g. %s' % (
            name, errors['errors'], ' | '.join(errors['samples'])))
    for note in report.get('notes', []):
        lines.append('note: ' + note)
    return '\n'.join(lines)


# -- command line -------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--endpoint',
                        help='measure the service at this URL (127.0.0.1 '
                             'only) instead of deploying one')
    parser.add_argument('--deploy', choices=['all-in-one', 'split', 'both'],
                        default='all-in-one',
                        help='what to deploy when no --endpoint is given; '
                             'both: the all-in-one, then the split one')
    parser.add_argument('--token', default='admin:admin',
                        help='noauth token user:project')
    parser.add_argument('--db-connection',
                        help='with --endpoint: the database URL of the '
                             'service, to insert shares for the list '
                             'measurements')
    parser.add_argument('--server-pid', type=int, action='append',
                        default=[],
                        help='with --endpoint: a server process whose '
                             'tree to account CPU and RSS of; repeatable')
    parser.add_argument('--db-server', default=default_db_server(),
                        help='split: database server for a fresh database '
                             '(default: on mysqlclient when it is '
                             'installed, else on PyMySQL)')
    parser.add_argument('--transport-url',
                        default='rabbit://guest:guest@127.0.0.1:5672/',
                        help='split: the message broker')
    parser.add_argument('--shares', type=int,
                        help='shares per concurrency (default 200, '
                             '30 with --quick)')
    parser.add_argument('--concurrency', default='1,8,32',
                        help='comma-separated client concurrencies')
    parser.add_argument('--list-sizes',
                        help='comma-separated shares in the project for '
                             'the list measurements (default 200,10000, '
                             'the sizes of the targets; 200 with --quick; '
                             'empty to skip)')
    parser.add_argument('--list-samples', type=int, default=20,
                        help='unpaginated list requests per size (three '
                             'times as many with limit=100)')
    parser.add_argument('--show-samples', type=int, default=200)
    parser.add_argument('--periodic', action='store_true',
                        help='measure instead the share manager\'s ensure '
                             'run and deferred deletion sweep over --shares '
                             '(default 10000) shares, in this process (see '
                             'bench_periodic.py; --db-connection: an empty '
                             'database to use instead of SQLite)')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: 30 shares, 200 in the list')
    parser.add_argument('--timeout', type=float, default=600,
                        help='seconds a batch may take to settle')
    parser.add_argument('--stall-timeout', type=float, default=60,
                        help='stop waiting for a batch when no share of '
                             'it has moved on for this many seconds')
    parser.add_argument('--start-timeout', type=float, default=120)
    parser.add_argument('--request-timeout', type=float, default=60)
    parser.add_argument('--json-only', action='store_true',
                        help='print only the JSON object')
    parser.add_argument('--keep-workdir', action='store_true',
                        help='keep the deployment directory (logs, config)')
    args = parser.parse_args(argv)
    if args.shares is None:
        args.shares = 30 if args.quick else 200
    if args.list_sizes is None:
        args.list_sizes = '200' if args.quick else '200,10000'
    args.list_sizes = sorted(int(s) for s in args.list_sizes.split(',')
                             if s.strip())
    args.concurrency = [int(c) for c in args.concurrency.split(',')]
    if args.quick:
        args.list_samples = min(args.list_samples, 10)
        args.show_samples = min(args.show_samples, 50)
    if args.shares < 1 or min(args.concurrency) < 1:
        parser.error('--shares and --concurrency must be positive')
    return args


def _interrupt(signum, _frame):
    raise KeyboardInterrupt('signal %d' % signum)


def deployments(args, run_id):
    if args.endpoint:
        return [Endpoint(run_id, args.endpoint, args.db_connection,
                         args.server_pid)]
    modes = (['all-in-one', 'split'] if args.deploy == 'both'
             else [args.deploy])
    found = []
    for mode in modes:
        if mode == 'split':
            found.append(Split(run_id, args.db_server, args.transport_url,
                               keep=args.keep_workdir))
        else:
            found.append(AllInOne(run_id, keep=args.keep_workdir))
    return found


def run_one(args, deployment, stop):
    """(exit status, report) of one deployment, which is stopped and
    removed whatever happens."""
    status, report = 0, None
    try:
        client = Client(deployment.endpoint, args.token,
                        args.request_timeout)
        report = run(args, deployment, client, stop)
    except KeyboardInterrupt:
        log('interrupted; cleaning up')
        status = 130
    except BenchError as err:
        sys.stderr.write('bench_shares: failed: %s\n' % err)
        status = 1
    finally:
        if status:
            stop.set()
            # A second Ctrl-C must not leave daemons or a database behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        deployment.stop()
    return status, report


def run_periodic(args):
    """--periodic: the share manager's bulk runs (bench_periodic.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_periodic
    report = bench_periodic.run(args.shares or 10000, args.db_connection)
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


def main(argv=None):
    global QUIET
    args = parse_args(argv)
    QUIET = args.json_only
    if args.periodic:
        return run_periodic(args)
    run_id = uuid.uuid4().hex[:8]
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    stop = threading.Event()
    reports = []
    try:
        planned = deployments(args, run_id)
    except BenchError as err:
        sys.stderr.write('bench_shares: failed: %s\n' % err)
        return 1
    for index, deployment in enumerate(planned):
        status, report = run_one(args, deployment, stop)
        if status:
            for later in planned[index + 1:]:
                later.stop()
            return status
        reports.append(report)
    output = reports[0] if len(reports) == 1 else {
        'benchmark': 'manila-lite shares', 'format': 2,
        'runs': {r['deployment']['mode']: r for r in reports}}
    print(json.dumps(output, indent=2, sort_keys=True))
    sys.stdout.flush()
    if not args.json_only:
        sys.stderr.write('\n' + '\n\n'.join(table(r) for r in reports)
                         + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
