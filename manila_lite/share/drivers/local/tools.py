"""Stopping a local backend completely: its daemons, mounts and pool.

For ``manila-lite-manage local stop|cleanup`` and for tests; the share
service does not call it (its daemons outlive it so clients keep their
mounts).
"""

import os
import signal
import time

from manila_lite.conf import backend as backend_conf
from manila_lite import exception
from manila_lite.share.drivers.local import btrfs
from manila_lite.share.drivers.local import driver as local_driver
from manila_lite.share.drivers.local import process

# How a backend section names this driver: its alias or its class path.
DRIVER_NAMES = ('local', '%s.%s' % (local_driver.__name__,
                                    local_driver.LocalShareDriver.__name__))

PID_FILES = ('ganesha/ganesha.pid', 'samba/smbd.pid', 'ganesha/rpcbind.pid',
             'dbus/dbus.pid')


def _stop(pid_file, timeout=20):
    try:
        with open(pid_file) as f:
            pid = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return
    if not process.pid_alive(pid):
        return
    for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and process.pid_alive(pid):
            time.sleep(0.1)
        if not process.pid_alive(pid):
            return


def teardown(state_dir, pool_mount_point=None, loop_file=None):
    """Stop the daemons started for ``state_dir``, unmount the exported
    subvolumes and the pool, and detach the pool's loop device."""
    for relative in PID_FILES:
        _stop(os.path.join(state_dir, relative))
    exports = os.path.join(state_dir, 'exports')
    for name in os.listdir(exports) if os.path.isdir(exports) else []:
        target = os.path.join(exports, name)
        while btrfs.mounted_at(target):
            if process.execute('umount', target, check=False).returncode:
                process.execute('umount', '-l', target, check=False)
    pool = btrfs.Pool(pool_mount_point or os.path.join(state_dir, 'pool'),
                      loop_file=loop_file)
    pool.teardown()


def local_backends(conf, names=None):
    """{backend: driver} of the enabled local backends (or of ``names``),
    built from the configuration without touching the system."""
    enabled = list(conf.enabled_share_backends)
    chosen = list(names or enabled)
    drivers = {}
    for name in chosen:
        section = backend_conf.register_backend(conf, name)
        if section.share_driver not in DRIVER_NAMES:
            if names:
                raise exception.InvalidInput(
                    reason='backend %s uses share_driver %s, not the local '
                           'driver' % (name, section.share_driver))
            continue
        section = backend_conf.register_backend(
            conf, name, local_driver.driver_opts)
        drivers[name] = local_driver.LocalShareDriver(
            False, configuration=section,
            backend_name=section.share_backend_name or name)
    if not drivers:
        raise exception.InvalidInput(
            reason='no backend of enabled_share_backends (%s) uses '
                   'share_driver = local' % ', '.join(enabled))
    return drivers


def stop(driver):
    """Stop the servers the driver started; return their names."""
    return driver.stop_daemons()


def cleanup(driver):
    """Stop the servers, unmount the exports and the pool, detach the
    loop device; return what was stopped and released."""
    return driver.stop_daemons() + driver.release_pool()
