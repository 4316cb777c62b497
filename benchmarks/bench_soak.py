#!/usr/bin/env python3
"""Memory of manila-lite's processes under steady load, for a long time.

Several client threads each repeat one cycle through the REST API (plain
HTTP, keep-alive, 127.0.0.1): create a share, wait until it is
``available``, allow an IP access rule and wait until it is ``active``,
create a snapshot and wait until it is ``available``, delete the snapshot
and wait until it is gone, delete the share and wait until it is gone.

Every ``--interval`` seconds it prints, for each process of the
deployment (API master and workers, scheduler, share service, and
whatever they fork), RSS and PSS as the kernel gives them in
``/proc/<pid>/smaps_rollup``, with the cycles done and failed so far.
At the end a table sets side by side each process's RSS at 1 minute, at
10 minutes and at the end, and its RSS and PSS growth over the second
half of the run: what grows in the first minutes and then stays is
warm-up (imports, caches, connection pools); what still grows in the
second half is a leak.

The deployment is that of bench_shares.py (the functional tests'
deployment module, with the benchmark's settings): by default the split
one (API with 2 gunicorn workers, scheduler, share service with two fake
backends, on a throwaway MariaDB database and RabbitMQ), or with
``--deploy all-in-one`` the single manila-lite-all process. It is removed
at the end. The exit code is 1 when the deployment failed, when a cycle
failed, or when no cycle was done. Examples::

    python benchmarks/bench_soak.py                 # 30 minutes
    python benchmarks/bench_soak.py --minutes 2 --interval 10
    python benchmarks/bench_soak.py --deploy all-in-one --json soak.json
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_shares as bench  # noqa: E402  (the benchmarks' directory)

# When the table's columns are read (seconds into the run).
MARKS = (('1 min', 60), ('10 min', 600))
POLL_INTERVAL = 0.2


# -- memory -------------------------------------------------------------------

def smaps_rollup(pid):
    """Rss and Pss of a process in bytes, from /proc/<pid>/smaps_rollup;
    None once the process is gone."""
    found = {}
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            for line in f:
                key, _sep, value = line.partition(':')
                if key in ('Rss', 'Pss'):
                    found[key.lower()] = int(value.split()[0]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return found


def _children(pid):
    """The pids ``pid`` forked, and theirs, from /proc."""
    found = []
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            direct = [int(p) for p in f.read().split()]
    except OSError:
        return found
    for child in direct:
        found.append(child)
        found.extend(_children(child))
    return found


def processes(deployment):
    """{label: pid} of every process of the deployment: each daemon by
    its name, and what it forked as ``<name>-worker<n>`` (gunicorn's
    workers) in the order of their pids. A worker that gunicorn replaces
    keeps its label under a new pid."""
    found = {}
    for name, daemon in sorted(deployment.deployment.daemons.items()):
        if not daemon.pid:
            continue
        label = 'api-master' if name == 'api' else name
        found[label] = daemon.pid
        for index, child in enumerate(sorted(_children(daemon.pid)), 1):
            found['%s-worker%d' % (name, index)] = child
    return found


def sample(deployment, elapsed, stats):
    """Memory of each process now, with the load's figures so far."""
    memory = {}
    for label, pid in processes(deployment).items():
        figures = smaps_rollup(pid)
        if figures:
            memory[label] = dict(figures, pid=pid)
    return {'seconds': round(elapsed, 1), 'cycles': stats.cycles,
            'failures': stats.failures, 'memory': memory}


# -- the load -----------------------------------------------------------------

class Stats:
    """What the client threads did; shared between them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cycles = 0
        self.failures = 0
        self.errors = {}
        self.cycle_seconds = []

    def done(self, seconds):
        with self.lock:
            self.cycles += 1
            self.cycle_seconds.append(seconds)

    def failed(self, err):
        with self.lock:
            self.failures += 1
            text = str(err)[:200]
            self.errors[text] = self.errors.get(text, 0) + 1

    def take_cycle_seconds(self):
        with self.lock:
            taken, self.cycle_seconds = self.cycle_seconds, []
        return taken


class CycleFailed(bench.BenchError):
    pass


def wait_for(client, path, key, status, timeout, stop):
    """Poll ``path`` until its ``key`` object's status (``state`` for
    rules) is ``status``, or until it answers 404 when ``status`` is
    None."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline and not stop.is_set():
        response = client.get(path, expect=(200, 404))
        if response.status == 404:
            if status is None:
                return
            raise CycleFailed('%s is gone, never %s' % (path, status))
        item = response.json()[key]
        last = item.get('status', item.get('state'))
        if last == status:
            return
        if last and 'error' in last:
            raise CycleFailed('%s is %s, waiting for %s'
                              % (path, last, status or 'gone'))
        time.sleep(POLL_INTERVAL)
    if stop.is_set():
        raise KeyboardInterrupt
    raise CycleFailed('%s still %s after %ss, waiting for %s' % (
        path, last, timeout, status or 'gone'))


def cycle(client, share_type, name, address, timeout, stop):
    """One share through its life; what is left of it if it fails, for
    the cleanup."""
    left = {}
    try:
        share = client.request('POST', '/v2/shares', {'share': {
            'share_proto': 'NFS', 'size': 1, 'name': name,
            'share_type': share_type['name']}}, expect=(200, 202)).json()
        left['share'] = share_id = share['share']['id']
        wait_for(client, '/v2/shares/%s' % share_id, 'share', 'available',
                 timeout, stop)
        rule = client.request(
            'POST', '/v2/shares/%s/action' % share_id, {'allow_access': {
                'access_type': 'ip', 'access_to': address,
                'access_level': 'rw'}}).json()['access']
        wait_for(client, '/v2/share-access-rules/%s' % rule['id'],
                 'access', 'active', timeout, stop)
        snapshot = client.request('POST', '/v2/snapshots', {'snapshot': {
            'share_id': share_id, 'name': name}},
            expect=(200, 202)).json()['snapshot']
        left['snapshot'] = snapshot['id']
        path = '/v2/snapshots/%s' % snapshot['id']
        wait_for(client, path, 'snapshot', 'available', timeout, stop)
        client.request('DELETE', path, expect=(202,))
        wait_for(client, path, 'snapshot', None, timeout, stop)
        del left['snapshot']
        path = '/v2/shares/%s' % share_id
        client.request('DELETE', path, expect=(202,))
        wait_for(client, path, 'share', None, timeout, stop)
        left.clear()
    except Exception as err:
        err.left = left
        raise


def clean_up(client, left):
    """Best effort: delete what a failed cycle left behind."""
    for kind in ('snapshot', 'share'):
        if kind not in left:
            continue
        path = '/v2/%ss/%s' % (kind, left[kind])
        try:
            client.request('POST', path + '/action', {'force_delete': None},
                           expect=(202, 404))
        except Exception:
            try:
                client.request('DELETE', path, expect=(202, 404))
            except Exception as err:
                bench.log('cleaning up %s failed: %s', path, err)
        if kind == 'snapshot':
            try:
                wait_for(client, path, kind, None, 60, threading.Event())
            except Exception:
                pass


def worker(client, share_type, prefix, number, args, stats, stop):
    count = 0
    while not stop.is_set():
        count += 1
        name = '%s-t%d-%d' % (prefix, number, count)
        # Addresses differ between threads and cycles; a share has one.
        address = '10.%d.%d.%d' % (number % 250, (count // 250) % 250,
                                   count % 250 + 1)
        start = time.monotonic()
        try:
            cycle(client, share_type, name, address, args.cycle_timeout,
                  stop)
        except KeyboardInterrupt:
            return
        except Exception as err:
            if stop.is_set():
                return
            stats.failed(err)
            bench.log('cycle %s failed: %s', name, str(err)[:300])
            clean_up(client, getattr(err, 'left', {}))
        else:
            stats.done(time.monotonic() - start)
        # A new connection for the next cycle, which any API worker may
        # accept: kept alive for the whole run, the threads' connections
        # could all stay with one worker and leave the others idle.
        client._drop()


# -- reporting ----------------------------------------------------------------

def _mb(value):
    return '%.1f' % (value / 2 ** 20) if value is not None else '-'


def print_sample(entry, cycle_seconds, out=sys.stdout):
    mean = (sum(cycle_seconds) / len(cycle_seconds)) if cycle_seconds \
        else None
    out.write('[%s] t=%5.0fs cycles=%d failures=%d cycle_mean=%s\n' % (
        time.strftime('%H:%M:%S'), entry['seconds'], entry['cycles'],
        entry['failures'], '%.2fs' % mean if mean is not None else '-'))
    total_rss = total_pss = 0
    for label, figures in sorted(entry['memory'].items()):
        total_rss += figures['rss']
        total_pss += figures['pss']
        out.write('    %-16s pid %-7d RSS %7s MiB  PSS %7s MiB\n' % (
            label, figures['pid'], _mb(figures['rss']),
            _mb(figures['pss'])))
    out.write('    %-16s %11s RSS %7s MiB  PSS %7s MiB\n' % (
        'total', '', _mb(total_rss), _mb(total_pss)))
    out.flush()


def nearest(samples, seconds):
    """The sample taken closest to ``seconds`` into the run, if the run
    got that far."""
    if not samples or samples[-1]['seconds'] < seconds * 0.95:
        return None
    return min(samples, key=lambda s: abs(s['seconds'] - seconds))


def _figure(entry, label, key):
    if entry is None:
        return None
    if label == 'total':
        return sum(f[key] for f in entry['memory'].values())
    figures = entry['memory'].get(label)
    return figures[key] if figures else None


def summarize(samples):
    """Per process: RSS at the marks and at the end, growth over the
    second half."""
    end = samples[-1]
    half = nearest(samples, end['seconds'] / 2)
    rows = {}
    for label in sorted(end['memory']) + ['total']:
        row = {name: _figure(nearest(samples, at), label, 'rss')
               for name, at in MARKS}
        row['end'] = _figure(end, label, 'rss')
        row['pss_end'] = _figure(end, label, 'pss')
        for key in ('rss', 'pss'):
            before = _figure(half, label, key)
            after = _figure(end, label, key)
            row[key + '_growth_2nd_half'] = (
                None if before is None or after is None else after - before)
        rows[label] = row
    return {'half_at_s': half['seconds'] if half else None,
            'end_at_s': end['seconds'], 'processes': rows}


def table(report):
    summary = report['summary']
    lines = [
        'manila-lite soak: %s deployment, %d client threads, %.0f s '
        '(samples every %ss)' % (report['deployment'], report['threads'],
                                 summary['end_at_s'], report['interval']),
        'cycles done %d, failed %d, %.1f cycles/min; daemon log errors: %s'
        % (report['cycles'], report['failures'],
           report['cycles'] * 60 / max(summary['end_at_s'], 1),
           report['log_errors'] or 'none'),
        '',
        'MiB              %8s %8s %8s %8s %13s %13s' % (
            'RSS 1min', 'RSS 10mn', 'RSS end', 'PSS end',
            'RSS +2nd half', 'PSS +2nd half'),
    ]
    for label, row in summary['processes'].items():
        growth = ['%+.1f' % (row[k] / 2 ** 20) if row[k] is not None
                  else '-' for k in ('rss_growth_2nd_half',
                                     'pss_growth_2nd_half')]
        lines.append('%-16s %8s %8s %8s %8s %13s %13s' % (
            label, _mb(row['1 min']), _mb(row['10 min']), _mb(row['end']),
            _mb(row['pss_end']), growth[0], growth[1]))
    lines.append('(second half: from the sample at %ss to the end at %ss; '
                 '- : the run did not last that long)'
                 % (summary['half_at_s'], summary['end_at_s']))
    for text, count in sorted(report['errors'].items(),
                              key=lambda item: -item[1])[:5]:
        lines.append('failure x%d: %s' % (count, text))
    return '\n'.join(lines)


# -- running it ---------------------------------------------------------------

def soak(args, deployment, client, stop):
    bench.log('starting the %s deployment', deployment.mode)
    deployment.start(args.start_timeout)
    version = bench.discover_version(client)
    pools = bench.wait_for_pools(client, deployment, args.start_timeout)
    share_type = bench.ensure_share_type(client, bench.Setup('admin'))
    bench.log('%s at %s, API %s, %d pool(s), share type %s',
              deployment.mode, deployment.endpoint, version, len(pools),
              share_type['name'])
    stats = Stats()
    prefix = 'soak-%s' % deployment.run_id
    threads = [
        threading.Thread(target=worker, daemon=True, args=(
            client, share_type, prefix, number, args, stats, stop))
        for number in range(1, args.threads + 1)]
    samples = []
    start = time.monotonic()
    for thread in threads:
        thread.start()
    duration = args.minutes * 60
    try:
        next_at = start + args.interval
        while True:
            now = time.monotonic()
            end = min(next_at, start + duration)
            if now < end:
                time.sleep(min(end - now, 1))
                continue
            deployment.check_alive()
            entry = sample(deployment, time.monotonic() - start, stats)
            samples.append(entry)
            print_sample(entry, stats.take_cycle_seconds())
            if end >= start + duration:
                break
            next_at += args.interval
    finally:
        stop.set()
        for thread in threads:
            thread.join(args.cycle_timeout)
    return {
        'benchmark': 'manila-lite soak', 'deployment': deployment.mode,
        'threads': args.threads, 'interval': args.interval,
        'minutes': args.minutes, 'api_version': version,
        'cycles': stats.cycles, 'failures': stats.failures,
        'errors': stats.errors, 'log_errors': deployment.log_errors(),
        'samples': samples, 'summary': summarize(samples),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--minutes', type=float, default=30,
                        help='how long the load runs')
    parser.add_argument('--interval', type=float, default=30,
                        help='seconds between memory samples')
    parser.add_argument('--threads', type=int, default=4,
                        help='client threads, each running cycles')
    parser.add_argument('--deploy', choices=['split', 'all-in-one'],
                        default='split')
    parser.add_argument('--token', default='admin:admin',
                        help='noauth token user:project')
    parser.add_argument('--db-server', default=bench.default_db_server(),
                        help='split: database server for a fresh database')
    parser.add_argument('--transport-url',
                        default='rabbit://guest:guest@127.0.0.1:5672/',
                        help='split: the message broker')
    parser.add_argument('--cycle-timeout', type=float, default=120,
                        help='seconds each wait of a cycle may take')
    parser.add_argument('--start-timeout', type=float, default=120)
    parser.add_argument('--request-timeout', type=float, default=60)
    parser.add_argument('--json', help='also write the report (every '
                                       'sample) to this file')
    parser.add_argument('--keep-workdir', action='store_true',
                        help='keep the deployment directory (logs, config)')
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.interval <= 0 or args.threads < 1:
        parser.error('--minutes, --interval and --threads must be '
                     'positive')
    return args


def _interrupt(signum, _frame):
    raise KeyboardInterrupt('signal %d' % signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    run_id = uuid.uuid4().hex[:8]
    stop = threading.Event()
    try:
        if args.deploy == 'split':
            deployment = bench.Split(run_id, args.db_server,
                                     args.transport_url,
                                     keep=args.keep_workdir)
        else:
            deployment = bench.AllInOne(run_id, keep=args.keep_workdir)
    except bench.BenchError as err:
        sys.stderr.write('bench_soak: failed: %s\n' % err)
        return 1
    report = None
    try:
        client = bench.Client(deployment.endpoint, args.token,
                              args.request_timeout)
        report = soak(args, deployment, client, stop)
    except KeyboardInterrupt:
        bench.log('interrupted; cleaning up')
        return 130
    except bench.BenchError as err:
        sys.stderr.write('bench_soak: failed: %s\n' % err)
        return 1
    finally:
        stop.set()
        # A second Ctrl-C must not leave daemons or a database behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        deployment.stop()
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2, sort_keys=True)
    sys.stdout.write('\n' + table(report) + '\n')
    sys.stdout.flush()
    return 0 if report['cycles'] and not report['failures'] else 1


if __name__ == '__main__':
    sys.exit(main())
