"""Stopping a local backend completely: its daemons, mounts and pool.

For tests and for an operator retiring a backend; the share service does
not call it (its daemons outlive it so clients keep their mounts).
"""

import os
import signal
import time

from manila_lite.share.drivers.local import btrfs
from manila_lite.share.drivers.local import process

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
