#!/usr/bin/env python3
"""Seconds per operation of the local backend (btrfs, Ganesha, Samba).

Starts manila-lite-all with one local backend -- a btrfs pool in a loop
file, Ganesha, Samba and their D-Bus in a network namespace of its own --
and times, through python-manilaclient, from the request until the
resource is usable again: create (NFS and CIFS shares of 1 GiB), allow an
ip rule (until ``active``), snapshot, revert to it, extend, shrink, share
from snapshot and delete. Each is repeated ``--rounds`` times; it prints
one JSON object and a table of median/min/max seconds, then tears the
pool and namespace down. Needs root, loop devices and the Debian
packages of the local backend (README.rst, Tests).

    python benchmarks/bench_local.py --rounds 5
"""

import argparse
import json
import statistics
import sys
import tempfile
import time

from manila_lite.devtools import deployment as deploy
from manila_lite.devtools import local_network as lb
from manila_lite.share.drivers.local import tools

POLL = 0.01   # seconds between status reads: the resolution of a figure
CLIENT_HOST = 31


class Timer:
    """Seconds taken by each named step, over every round."""

    def __init__(self):
        self.seconds = {}

    def __call__(self, name, func):
        start = time.monotonic()
        result = func()
        self.seconds.setdefault(name, []).append(time.monotonic() - start)
        return result

    def summary(self):
        return {name: {'median': round(statistics.median(values), 3),
                       'min': round(min(values), 3),
                       'max': round(max(values), 3), 'n': len(values)}
                for name, values in self.seconds.items()}


def _settled(manager, obj_id, wanted, failed):
    found = deploy.wait_for_field(manager.get, obj_id, (wanted,) + failed,
                                  timeout=120, interval=POLL)
    if found.status != wanted:
        raise RuntimeError('%s went to %s' % (obj_id, found.status))
    return found


def _gone(manager, obj_id):
    deploy.wait_for_gone(manager.get, obj_id, timeout=120, interval=POLL)


def one_round(manila, share_type, client, timer):
    shares = manila.shares
    snaps = manila.share_snapshots

    def create(proto, **kwargs):
        share = shares.create(proto, 1, share_type=share_type.name, **kwargs)
        return _settled(shares, share.id, 'available', ('error',))

    nfs = timer('create NFS share', lambda: create('NFS'))
    cifs = timer('create CIFS share', lambda: create('CIFS'))
    timer('allow ip rule (NFS)', lambda: deploy.wait_for_rule(
        manila, nfs.allow('ip', client.address, 'rw')['id'], ('active',),
        timeout=120, interval=POLL))
    snapshot = timer('create snapshot', lambda: _settled(
        snaps, snaps.create(nfs).id, 'available', ('error',)))
    timer('revert to snapshot', lambda: (
        shares.revert_to_snapshot(nfs, snapshot),
        _settled(shares, nfs.id, 'available', ('reverting_error',))))
    timer('extend 1 -> 2 GiB', lambda: (
        shares.extend(nfs, 2),
        _settled(shares, nfs.id, 'available', ('extending_error',))))
    timer('shrink 2 -> 1 GiB', lambda: (
        shares.shrink(nfs, 1),
        _settled(shares, nfs.id, 'available', ('shrinking_error',))))
    copy = timer('create share from snapshot', lambda: create(
        'NFS', snapshot_id=snapshot.id))
    timer('delete snapshot', lambda: (snaps.delete(snapshot),
                                      _gone(snaps, snapshot.id)))
    for name, share in (('NFS share', nfs), ('share from snapshot', copy),
                        ('CIFS share', cifs)):
        timer('delete %s' % name, lambda: (shares.delete(share),
                                           _gone(shares, share.id)))


def run(rounds):
    missing = lb.missing_requirements()
    if missing:
        sys.exit('bench_local: %s' % missing)
    timer = Timer()
    with tempfile.TemporaryDirectory(prefix='bench-local-') as workdir, \
            lb.network() as net:
        state_dir = workdir + '/local-state'
        loop_file = workdir + '/pool.img'
        port = deploy.free_port()
        default = deploy.base_options(workdir, port, 'bench-local')
        default.update(enabled_share_backends='local', debug='false')
        config = {'DEFAULT': default, 'local': {
            'share_driver': 'local', 'share_backend_name': 'local',
            'local_state_dir': state_dir,
            'local_btrfs_loop_file': loop_file,
            'local_btrfs_loop_size_gb': 10,
            'local_daemon_netns': net.server,
            'local_export_address': lb.SERVER_IP}}
        deployment = deploy.Deployment(workdir, config,
                                       {'all': 'manila-lite-all'},
                                       pools=1, port=port)
        client = net.client(CLIENT_HOST)
        try:
            with deploy.running(deployment):
                manila = deployment.manila()
                share_type = manila.share_types.create(
                    'bench-local', spec_driver_handles_share_servers=False,
                    spec_snapshot_support=True,
                    extra_specs={'create_share_from_snapshot_support': True,
                                 'revert_to_snapshot_support': True})
                for _ in range(rounds):
                    one_round(manila, share_type, client, timer)
        finally:
            tools.teardown(state_dir, loop_file=loop_file)
    return timer.summary()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=5,
                        help='times each operation is repeated (default 5)')
    args = parser.parse_args()
    figures = run(args.rounds)
    print(json.dumps({'local_backend_seconds': figures}))
    width = max(len(name) for name in figures)
    print('\n%-*s  %8s  %8s  %8s' % (width, 'operation (s)', 'median',
                                     'min', 'max'))
    for name, row in figures.items():
        print('%-*s  %8.2f  %8.2f  %8.2f' % (width, name, row['median'],
                                             row['min'], row['max']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
