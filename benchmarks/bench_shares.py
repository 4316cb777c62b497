#!/usr/bin/env python3
"""End-to-end throughput and latency of manila-lite share operations.

Measures, through the REST API only (plain HTTP, keep-alive, one
connection per client thread, 127.0.0.1 only):

1. creates per second, from the first POST until every share is
   ``available``, at several client concurrencies, and the latency of the
   create requests themselves;
2. deletes per second, from the first DELETE until the shares are gone;
3. ``GET /v2/shares/detail`` latency, unpaginated (capped by
   osapi_max_limit) and with ``?limit=100``, with 1,000 and 10,000 shares
   in the database; the shares beyond those made through the API are
   inserted directly into the service's database with manila_lite's own
   models (status ``available``, a real pool as host);
4. ``GET /v2/shares/{id}`` latency;
5. server CPU seconds (user+system of the server processes and their
   children) per share created and deleted, and the servers' RSS.

It either deploys manila-lite itself, from nothing, and removes it all
at the end (``--deploy all-in-one``, the default, or ``--deploy split``
on MariaDB and RabbitMQ), or measures a running service
(``--endpoint http://127.0.0.1:8786``; give ``--db-connection`` for the
list measurements, which need to insert rows).

One JSON object goes to stdout; a readable table to stderr (not with
``--json-only``). Examples::

    python benchmarks/bench_shares.py --quick
    python benchmarks/bench_shares.py
    python benchmarks/bench_shares.py --deploy split --quick
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
import socket
import subprocess
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

    def rss(self):
        by_process = []
        for proc in self.members():
            try:
                by_process.append((proc.pid, proc.name(),
                                   proc.memory_info().rss))
            except psutil.NoSuchProcess:
                continue
        return by_process

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
    """CPU so far of MariaDB and RabbitMQ, which other users share."""
    names = {'mariadbd': 'mariadb', 'mysqld': 'mariadb',
             'beam.smp': 'rabbitmq'}
    totals = {}
    for proc in psutil.process_iter(['name']):
        service = names.get(proc.info['name'])
        if service is None:
            continue
        try:
            times = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        totals[service] = totals.get(service, 0.0) + times.user + times.system
    return totals


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- deployments ------------------------------------------------------------

def free_port():
    """A port nobody listens on now; start-up checks it is really ours."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def console_script(name):
    beside = os.path.join(os.path.dirname(sys.executable), name)
    found = beside if os.path.exists(beside) else shutil.which(name)
    if not found:
        raise BenchError('%s is not installed (pip install -e .)' % name)
    return found


def config_text(sections):
    lines = []
    for section, options in sections.items():
        lines.append('[%s]' % section)
        lines.extend('%s = %s' % item for item in options.items())
        lines.append('')
    return '\n'.join(lines)


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

    def start(self):
        pass

    def wait_ready(self, client, timeout):
        pass

    def stop(self):
        pass


class Daemon:
    """A daemon we started, leading its own process group."""

    def __init__(self, name, binary, config_path, log_path):
        self.name = name
        self.argv = [console_script(binary), '--config-file', config_path]
        self.log_path = log_path
        self.process = None

    def start(self):
        with open(self.log_path, 'ab') as out:
            self.process = subprocess.Popen(
                self.argv, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def _signal(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout=20):
        if self.process is None:
            return
        if self.alive():
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log('%s did not stop in %ss; killing it', self.name, timeout)
        # Whatever the group still holds (a gunicorn worker) goes too.
        self._signal(signal.SIGKILL)
        self.process.wait()

    def log_tail(self, size=3000):
        try:
            with open(self.log_path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(f.tell() - size, 0))
                return f.read().decode(errors='replace')
        except OSError:
            return ''


class Managed:
    """A deployment started here from nothing and removed at the end."""

    mode = None
    expected_pools = 1

    def __init__(self, run_id, keep=False):
        self.run_id = run_id
        self.keep = keep
        self.workdir = tempfile.mkdtemp(prefix='manila-lite-bench-')
        self.port = free_port()
        self.endpoint = 'http://127.0.0.1:%d' % self.port
        self.config_path = os.path.join(self.workdir, 'manila-lite.conf')
        self.daemons = []
        self.db_url = None
        self.description = {'mode': self.mode, 'endpoint': self.endpoint}

    @property
    def pids(self):
        return [d.process.pid for d in self.daemons if d.process]

    def common_options(self):
        return {
            'host': 'bench-%s' % self.run_id,
            'state_path': os.path.join(self.workdir, 'state'),
            'osapi_share_listen': '127.0.0.1',
            'osapi_share_listen_port': self.port,
        }

    def write_config(self, sections):
        # The benchmark makes hundreds of shares in one project.
        sections['quota'] = {'shares': -1, 'gigabytes': -1}
        with open(self.config_path, 'w') as f:
            f.write(config_text(sections))

    def add_daemon(self, name, binary):
        daemon = Daemon(name, binary, self.config_path,
                        os.path.join(self.workdir, name + '.log'))
        self.daemons.append(daemon)
        return daemon

    def check_alive(self):
        dead = [d for d in self.daemons if not d.alive()]
        if dead:
            raise BenchError('daemon(s) died:\n' + '\n'.join(
                '--- %s (%s) ---\n%s' % (d.name, d.log_path, d.log_tail())
                for d in dead))

    def wait_ready(self, client, timeout):
        """The API is ours and answers, and the scheduler has every pool."""
        def api():
            self.check_alive()
            return client.get('/', expect=(200, 300))
        wait(api, timeout, 'the API at %s' % self.endpoint)
        if not ProcessTree(self.pids).listens_on(self.port):
            raise BenchError('port %d answers, but not from the daemons '
                             'started here (taken meanwhile?)' % self.port)

    def log_errors(self):
        """Errors the daemons logged: how many, and a few messages.

        oslo.log lines read ``date time pid ERROR logger [context] text``;
        the lines of a traceback that follow carry no context.
        """
        found = {}
        for daemon in self.daemons:
            count, samples = 0, []
            try:
                with open(daemon.log_path, errors='replace') as f:
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
                found[daemon.name] = {'errors': count, 'samples': samples}
        return found

    def stop(self):
        for daemon in reversed(self.daemons):
            try:
                daemon.stop()
            except Exception as err:
                log('stopping %s failed: %s', daemon.name, err)
        if self.keep:
            log('kept %s', self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


class AllInOne(Managed):
    """manila-lite-all: SQLite, in-process messaging, one fake backend."""

    mode = 'all-in-one'

    def start(self):
        options = self.common_options()
        options['enabled_share_backends'] = 'fake'
        self.write_config({'DEFAULT': options,
                           'fake': {'share_driver': 'fake'}})
        self.db_url = 'sqlite:///%s' % os.path.join(
            self.workdir, 'state', 'manila.sqlite')
        self.description.update(database='sqlite', transport='fake://',
                                backends=['fake'], workdir=self.workdir)
        self.add_daemon('all', 'manila-lite-all').start()


class Split(Managed):
    """API (gunicorn, 2 workers), scheduler and share service apart, on a
    fresh MariaDB database and RabbitMQ with topics of their own."""

    mode = 'split'
    backends = ('fake1', 'fake2')
    expected_pools = 2

    def __init__(self, run_id, db_server, transport_url, keep=False):
        super().__init__(run_id, keep)
        self.db_server = db_server
        self.transport_url = transport_url
        self.db_name = 'manila_lite_bench_%s' % run_id

    def _server_engine(self):
        url = sa.engine.make_url(self.db_server).set(database=None)
        return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                                poolclass=sa.pool.NullPool)

    def start(self):
        try:
            with self._server_engine().connect() as conn:
                conn.exec_driver_sql('CREATE DATABASE %s CHARACTER SET '
                                     'utf8mb4' % self.db_name)
        except sa.exc.SQLAlchemyError as err:
            raise BenchError('cannot create a database on %s: %s' % (
                sa.engine.make_url(self.db_server).render_as_string(),
                err.orig or err))
        self.db_url = sa.engine.make_url(self.db_server).set(
            database=self.db_name).render_as_string(hide_password=False)
        options = self.common_options()
        topic = 'bench-%s' % self.run_id
        options.update({
            'auth_strategy': 'noauth',
            'osapi_share_workers': 2,
            'transport_url': self.transport_url,
            'control_exchange': 'manila-lite-%s' % topic,
            'scheduler_topic': 'manila-scheduler-%s' % topic,
            'share_topic': 'manila-share-%s' % topic,
            'default_share_type': 'default',
            'enabled_share_backends': ','.join(self.backends),
        })
        sections = {'DEFAULT': options,
                    'database': {'connection': self.db_url},
                    # Queues go away with their consumers: the broker is
                    # shared and our topics are never used again.
                    'oslo_messaging_rabbit': {'amqp_auto_delete': 'true'}}
        for backend in self.backends:
            sections[backend] = {'share_driver': 'fake',
                                 'share_backend_name': backend}
        self.write_config(sections)
        self.description.update(
            database='mysql', transport='rabbit', api_workers=2,
            backends=list(self.backends), workdir=self.workdir)
        sync = subprocess.run(
            [console_script('manila-lite-manage'), '--config-file',
             self.config_path, 'db', 'sync'],
            capture_output=True, text=True, timeout=300)
        if sync.returncode:
            raise BenchError('db sync failed:\n%s%s'
                             % (sync.stdout, sync.stderr))
        # The scheduler first, so it hears the backends' first report.
        for name in ('scheduler', 'share', 'api'):
            self.add_daemon(name, 'manila-lite-' + name).start()

    def stop(self):
        super().stop()
        if self.db_url is None:
            return
        try:
            with self._server_engine().connect() as conn:
                conn.exec_driver_sql('DROP DATABASE IF EXISTS %s'
                                     % self.db_name)
        except Exception as err:
            log('dropping database %s failed: %s', self.db_name, err)


# -- setting up the service for the run --------------------------------------

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
    path = query('/v2/shares', status=status, limit=1000,
                 **{'name~': prefix})
    deadline = time.perf_counter() + args.timeout
    polls, best = 0, None
    moved = {'end': time.perf_counter(), 'cpu': tree.cpu_seconds()}
    while not stop.is_set():
        polls += 1
        remaining = len(client.get(path).json()['shares'])
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


def timed_gets(client, paths, samples):
    """Sequential GETs (after two warm-ups); latencies, items, bytes."""
    for path in paths[:2]:
        client.get(path)
    seconds, items, size = [], None, 0
    for index in range(samples):
        response = client.get(paths[index % len(paths)])
        seconds.append(response.elapsed)
        size = len(response.body)
        body = response.json()
        if 'shares' in body:
            items = len(body['shares'])
    stats = latency_stats(seconds)
    stats.update(items=items, response_bytes=size)
    return stats


def project_share_count(client):
    body = client.get(query('/v2/shares', with_count='true',
                            limit=1)).json()
    if 'count' in body:
        return body['count']
    return len(list_all(client, '/v2/shares'))


def _bool_spec(specs, key):
    return str(specs.get(key, False)).strip().lower() in (
        'true', '<is> true', '1')


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
    manila_lite's own models; quota usage is not charged."""
    models = _models()
    specs = share_type.get('extra_specs') or {}
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    now = datetime.datetime.utcnow().replace(microsecond=0)
    ids = []
    try:
        for offset in range(0, count, INSERT_CHUNK):
            shares, instances, exports = [], [], []
            for number in range(start + offset,
                                start + min(offset + INSERT_CHUNK, count)):
                share_id, instance_id = str(uuid.uuid4()), str(uuid.uuid4())
                created = now - datetime.timedelta(seconds=number)
                ids.append(share_id)
                shares.append(dict(
                    id=share_id, project_id=project, user_id=user,
                    display_name='%s%d' % (prefix, number),
                    display_description=None, size=1, share_proto='NFS',
                    is_public=False, created_at=created,
                    **{key: _bool_spec(specs, key) for key in (
                        'snapshot_support',
                        'create_share_from_snapshot_support',
                        'revert_to_snapshot_support',
                        'mount_snapshot_support')}))
                instances.append(dict(
                    id=instance_id, share_id=share_id,
                    host=hosts[number % len(hosts)], status='available',
                    availability_zone=zone, share_type_id=share_type['id'],
                    access_rules_status='active', progress='100%',
                    scheduled_at=created, launched_at=created,
                    created_at=created))
                for ip, admin in (('127.0.0.1', False), ('127.0.0.2', True)):
                    exports.append(dict(
                        uuid=str(uuid.uuid4()),
                        share_instance_id=instance_id,
                        path='%s:/shares/share-%s' % (ip, instance_id),
                        is_admin_only=admin, preferred=not admin,
                        created_at=created))
            with engine.begin() as conn:
                conn.execute(sa.insert(models.Share), shares)
                conn.execute(sa.insert(models.ShareInstance), instances)
                conn.execute(sa.insert(models.ExportLocation), exports)
    finally:
        engine.dispose()
    return ids


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
                                      args.list_samples),
            'limit_100': timed_gets(client, ['/v2/shares/detail?limit=100'],
                                    args.list_samples * 3),
        }
        if show_ids:
            entry['show'] = timed_gets(
                client, ['/v2/shares/%s' % i for i in show_ids],
                args.show_samples)
        results.append(entry)
    return results


def run(args, deployment, client, stop):
    report = {'benchmark': 'manila-lite shares', 'format': 1,
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
    user, _sep, project = args.token.partition(':')
    project = project or user
    setup = Setup(project)
    run_id = deployment.run_id
    try:
        deployment.start()
        deployment.wait_ready(client, args.start_timeout)
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
        report['create'], report['delete'] = [], []
        for concurrency in args.concurrency:
            prefix = 'bench-%s-c%d-' % (run_id, concurrency)
            log('create %d shares at concurrency %d', args.shares,
                concurrency)
            ids, created = measure_creates(client, args, tree, stop,
                                           share_type, prefix, concurrency)
            report['create'].append(created)
            log('delete them at concurrency %d', concurrency)
            report['delete'].append(measure_deletes(
                client, args, tree, stop, ids, prefix, concurrency))
        cpu_lifecycle = sum(row['server_cpu_s'] for row in
                            report['create'] + report['delete'])
        shares_done = sum(row['done'] for row in report['delete'])
        client_lifecycle = client_cpu() - client_start
        if deployment.db_url and args.list_sizes:
            report['list'] = measure_lists(client, args, deployment, setup,
                                           share_type, pools, project, user,
                                           run_id)
            report['notes'].append(
                'for the list measurements, shares beyond those in the '
                'project were inserted directly into the database through '
                'manila_lite.db.models (status available, on a real pool, '
                'two export locations each, quota usage not charged)')
        else:
            report['notes'].append('list measurements skipped: no '
                                   '--db-connection to insert shares')
        rss = tree.rss()
        report['server'] = None if not deployment.pids else {
            'processes': len(rss),
            'cpu_s_create_delete': round(cpu_lifecycle, 2),
            'shares_created_and_deleted': shares_done,
            'cpu_ms_per_share': (round(cpu_lifecycle * 1000 / shares_done, 2)
                                 if shares_done else None),
            'cpu_s_total': round(tree.cpu_seconds(), 2),
            'rss_mb_end': round(sum(r[2] for r in rss) / 2 ** 20, 1),
            'rss_mb_by_process': {'%d %s' % (pid, name): round(
                value / 2 ** 20, 1) for pid, name, value in rss},
        }
        if isinstance(deployment, Managed):
            report['server_log_errors'] = deployment.log_errors()
        shared_end = shared_service_cpu()
        if isinstance(deployment, Split):
            report['shared_services_cpu_s_create_delete_and_lists'] = {
                name: round(shared_end[name] - shared_start.get(name, 0), 2)
                for name in shared_end}
            report['notes'].append(
                'MariaDB and RabbitMQ CPU is not in server CPU; the '
                'figures for them include every other user of the '
                'machine')
        report['summary'] = summary(report)
        report['client'] = {'cpu_s_create_delete': round(client_lifecycle,
                                                         2)}
        report['notes'].append(
            'create/delete end to end: first request until the summary '
            'list (polled every %.1fs) shows none of the batch creating '
            '(deleting), so times carry up to one poll of lag' %
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
                for stat in ('p50_ms', 'p95_ms'):
                    result['%s_%s_at_%d' % (name, stat, size)] = \
                        entry[key][stat]
    server = report.get('server') or {}
    result['server_cpu_ms_per_share'] = server.get('cpu_ms_per_share')
    result['server_rss_mb_end'] = server.get('rss_mb_end')
    return result


def table(report):
    lines = []
    deployment = report.get('deployment', {})
    lines.append('manila-lite %s at %s (API %s, pools: %s)' % (
        deployment.get('mode'), deployment.get('endpoint'),
        deployment.get('api_version'),
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
        lines.append('%-28s %8s %7s %9s %9s' % (
            'request (ms)', 'shares', 'items', 'p50', 'p95'))
        for entry in lists:
            for label, key in (('GET /shares/detail', 'unpaginated'),
                               ('GET /shares/detail?limit=100',
                                'limit_100'),
                               ('GET /shares/{id}', 'show')):
                if key in entry:
                    stats = entry[key]
                    lines.append('%-28s %8d %7s %9s %9s' % (
                        label, entry['shares_in_project'],
                        stats.get('items') or '-', stats['p50_ms'],
                        stats['p95_ms']))
    server = report.get('server')
    if server:
        lines.append('')
        lines.append('server: %.2f CPU s for %d shares created and deleted '
                     '(%s ms each), %d process(es), RSS %.1f MB at the end'
                     % (server['cpu_s_create_delete'],
                        server['shares_created_and_deleted'],
                        server['cpu_ms_per_share'], server['processes'],
                        server['rss_mb_end']))
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
    parser.add_argument('--deploy', choices=['all-in-one', 'split'],
                        default='all-in-one',
                        help='what to deploy when no --endpoint is given')
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
    parser.add_argument('--db-server',
                        default='mysql+pymysql://root@127.0.0.1:3306',
                        help='split: database server for a fresh database')
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
                             'the list measurements (default 1000,10000; '
                             '1000 with --quick; empty to skip)')
    parser.add_argument('--list-samples', type=int, default=20,
                        help='unpaginated list requests per size (three '
                             'times as many with limit=100)')
    parser.add_argument('--show-samples', type=int, default=200)
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: 30 shares, 1,000 in the list')
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
        args.list_sizes = '1000' if args.quick else '1000,10000'
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


def main(argv=None):
    global QUIET
    args = parse_args(argv)
    QUIET = args.json_only
    run_id = uuid.uuid4().hex[:8]
    if args.endpoint:
        deployment = Endpoint(run_id, args.endpoint, args.db_connection,
                              args.server_pid)
    elif args.deploy == 'split':
        deployment = Split(run_id, args.db_server, args.transport_url,
                           keep=args.keep_workdir)
    else:
        deployment = AllInOne(run_id, keep=args.keep_workdir)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    stop = threading.Event()
    status = 0
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
        stop.set()
        # A second Ctrl-C must not leave daemons or a database behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        deployment.stop()
    if status:
        return status
    print(json.dumps(report, indent=2, sort_keys=True))
    sys.stdout.flush()
    if not args.json_only:
        sys.stderr.write('\n' + table(report) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
