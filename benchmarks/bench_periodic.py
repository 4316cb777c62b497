#!/usr/bin/env python3
"""Shares per second of the share manager's bulk runs, and their memory.

Measures, in one process, a real ShareManager on the fake driver (its
state in memory) over a real database:

1. the ensure shares run over N available shares, twice: once after the
   backend's export address changed (every share's export locations are
   rewritten and the driver asks for every share's access rules to be
   reapplied, ``--rules-per-share`` active rules each) and once with
   nothing changed;
2. the deferred deletion sweep of the same N shares, all in
   ``deleting_in_driver``.

For each it prints shares per second and the process's peak RSS during
the run (sampled every 10 ms) against its RSS before it. The shares are
inserted directly in chunks (manila_lite/devtools/share_rows.py), so
setting up 10,000 takes seconds. SQLite in a temporary directory by default;
``--db-connection`` names an EMPTY database to use instead (MariaDB,
PostgreSQL), which is migrated and left with its tables emptied.

    python benchmarks/bench_periodic.py --shares 10000
    python benchmarks/bench_shares.py --periodic --shares 10000
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time

import psutil

CHUNK = 1000
BACKEND = 'bench'


def _rss_mb():
    return psutil.Process().memory_info().rss / 2 ** 20


class PeakRSS:
    """The highest RSS seen while the ``with`` block runs."""

    def __enter__(self):
        self.before = _rss_mb()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _configure(db_connection, workdir):
    from manila_lite import conf
    from manila_lite.db import api as db_api
    from manila_lite.db import migration
    from manila_lite import rpc

    CONF = conf.CONF
    rpc.set_transport_default('fake:/')
    CONF([], project='manila-lite', default_config_files=[],
         default_config_dirs=[])
    CONF.set_override('state_path', workdir)
    CONF.set_override('connection', db_connection or 'sqlite:///%s' %
                      os.path.join(workdir, 'bench.sqlite'),
                      group='database')
    CONF.set_override('host', 'benchnode')
    CONF.set_override('enabled_share_backends', [BACKEND])
    db_api.configure()
    migration.db_sync()
    return CONF


def _setup(count, rules_per_share=0):
    """A share manager, ``count`` available shares in the database and on
    its (in-memory) fake backend, each with ``rules_per_share`` active
    access rules."""
    from manila_lite import context as ml_context
    from manila_lite.db import api as db_api
    from manila_lite.db import services as service_db
    from manila_lite.db import share_types as type_db
    from manila_lite.devtools import share_rows
    from manila_lite.share import manager as share_manager

    ctx = ml_context.get_admin_context()
    manager = share_manager.ShareManager(BACKEND)
    from manila_lite import conf
    conf.CONF.set_override('fake_thin_provisioning', True, group=BACKEND)
    manager.driver.do_setup(ctx)
    service_db.register(ctx, manager.host, 'manila-share', 'manila-share',
                        'nova')
    share_type = type_db.create(ctx, 'bench', {
        'driver_handles_share_servers': 'False'})

    def on_the_backend(share_id, instance_id, host):
        return manager.driver.create_share(ctx, {
            'id': instance_id, 'share_id': share_id,
            'name': 'share-%s' % instance_id, 'size': 1,
            'share_proto': 'NFS', 'host': host})

    share_rows.insert_shares(
        lambda: db_api.writer.using(ctx), count, share_type.id,
        [manager.host + '#pool0'], project='bench', user='bench',
        name_prefix='bench-', exports=on_the_backend,
        rules_per_share=rules_per_share, chunk=CHUNK)
    return ctx, manager


def _measure(name, count, func):
    import gc
    gc.collect()
    with PeakRSS() as rss:
        started = time.monotonic()
        result = func()
        elapsed = time.monotonic() - started
    figures = {
        'phase': name, 'shares': count, 'seconds': round(elapsed, 2),
        'shares_per_second': round(count / elapsed, 1) if elapsed else None,
        'rss_before_mb': round(rss.before, 1),
        'peak_rss_mb': round(rss.peak, 1),
        'peak_rss_growth_mb': round(rss.peak - rss.before, 1),
        'result': result,
    }
    sys.stderr.write('%-28s %6d shares %8.2f s %9.1f shares/s  RSS %.0f -> '
                     'peak %.0f MB (+%.1f)\n' % (
                         name, count, elapsed, figures['shares_per_second'],
                         rss.before, rss.peak, rss.peak - rss.before))
    return figures


def run(count, db_connection=None, batch_size=None, rules_per_share=2):
    """Figures of the three runs, as a list of dicts."""
    workdir = tempfile.mkdtemp(prefix='bench-periodic-')
    CONF = _configure(db_connection, workdir)
    if batch_size:
        CONF.set_override('share_batch_size', batch_size)
    import sqlalchemy as sa

    from manila_lite.db import api as db_api
    from manila_lite.db import ensure as ensure_db
    from manila_lite.db import models
    from manila_lite import states

    sys.stderr.write('setting up %d shares (%s)...\n' % (
        count, CONF.database.connection.split('://')[0]))
    ctx, manager = _setup(count, rules_per_share)
    figures = []

    def ensure():
        assert ensure_db.start(ctx, manager.host)
        summary = manager.ensure.ensure_shares(ctx)
        assert summary['completed'] and \
            summary['shares_ensured'] == count, summary
        return {k: summary[k] for k in (
            'shares_ensured', 'export_locations_updated',
            'access_rules_reapplied', 'reapply_seconds')}

    def check_rules():
        """Every rule ended active on the backend and in the database."""
        if not rules_per_share:
            return
        with db_api.reader.using(ctx) as session:
            states_found = session.execute(
                sa.select(models.ShareInstanceAccessRule.state,
                          sa.func.count())
                .group_by(models.ShareInstanceAccessRule.state)).all()
            summaries = session.execute(
                sa.select(models.ShareInstance.access_rules_status,
                          sa.func.count())
                .group_by(models.ShareInstance.access_rules_status)).all()
        assert dict(states_found) == {
            'active': count * rules_per_share}, states_found
        assert dict(summaries) == {'active': count}, summaries

    CONF.set_override('fake_export_ip', '10.254.0.1', group=BACKEND)
    figures.append(_measure('ensure (exports moved)', count, ensure))
    check_rules()
    figures.append(_measure('ensure (unchanged)', count, ensure))

    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(models.ShareInstance).values(
            status=states.DELETING_IN_DRIVER))

    def sweep():
        result = manager.deferred.delete_deferred(ctx)
        assert result['shares_deleted'] == count, result
        return result
    figures.append(_measure('deferred deletion sweep', count, sweep))
    return {'shares': count, 'batch_size': CONF.share_batch_size,
            'rules_per_share': rules_per_share,
            'database': CONF.database.connection.split('://')[0],
            'cpu_count': os.cpu_count(), 'phases': figures}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shares', type=int, default=10000)
    parser.add_argument('--db-connection',
                        help='An EMPTY database to use instead of SQLite.')
    parser.add_argument('--batch-size', type=int,
                        help='share_batch_size (default: the option\'s).')
    parser.add_argument('--rules-per-share', type=int, default=2,
                        help='Active access rules per share, all reapplied '
                             'by the first ensure run.')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    report = run(args.shares, args.db_connection, args.batch_size,
                 args.rules_per_share)
    print(json.dumps(report, indent=2))


if __name__ == '__main__':
    main()
