"""Running the backend's commands and keeping its daemons alive.

Every external command of the local driver goes through :func:`execute`,
so a failure always says which command failed and what it printed.
:class:`Daemon` starts a server (ganesha.nfsd, smbd, dbus-daemon,
rpcbind) in its own session, optionally inside a network namespace, and
finds it again by its pid file after the share service restarts: the
servers outlive the share service so clients keep their mounts.
"""

import os
import signal
import subprocess
import time

from oslo_log import log as logging

from manila_lite import exception

LOG = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 120


class CommandFailed(exception.ShareBackendException):
    """A backend command exited non-zero (or could not run at all)."""

    def __init__(self, argv, returncode, stdout='', stderr=''):
        self.argv = list(argv)
        self.returncode = returncode
        self.stdout = stdout or ''
        self.stderr = stderr or ''
        output = (self.stderr.strip() or self.stdout.strip())[-2000:]
        super().__init__(msg='command %r failed with exit code %s: %s' % (
            ' '.join(self.argv), returncode, output or '(no output)'))


def netns_prefix(netns):
    """``nsenter --net=...`` for a namespace name or path; [] for none.

    nsenter keeps the mount namespace, unlike ``ip netns exec``, so a
    server started this way sees the subvolumes mounted later.
    """
    if not netns:
        return []
    path = netns if '/' in netns else os.path.join('/run/netns', netns)
    return ['nsenter', '--net=%s' % path]


def execute(*argv, check=True, input=None, env=None, netns=None,
            timeout=DEFAULT_TIMEOUT):
    """Run a command; return its CompletedProcess (text output).

    Raises CommandFailed when it exits non-zero and ``check`` is set, or
    when the program is missing or hangs past ``timeout``.
    """
    argv = netns_prefix(netns) + [str(a) for a in argv]
    full_env = None
    if env:
        full_env = dict(os.environ)
        full_env.update(env)
    try:
        result = subprocess.run(argv, input=input, capture_output=True,
                                text=True, env=full_env, timeout=timeout,
                                stdin=None if input is not None
                                else subprocess.DEVNULL)
    except FileNotFoundError as err:
        raise CommandFailed(argv, 127, stderr='not installed: %s' % err)
    except subprocess.TimeoutExpired as err:
        raise CommandFailed(argv, 'timeout', stderr='no answer after %ss: %s'
                            % (timeout, err.stderr or ''))
    LOG.debug('%s -> %s', ' '.join(argv), result.returncode)
    if check and result.returncode != 0:
        raise CommandFailed(argv, result.returncode, result.stdout,
                            result.stderr)
    return result


def pid_alive(pid, name=None):
    """Whether ``pid`` runs (and its command line mentions ``name``)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read().replace(b'\0', b' ').decode(errors='replace')
        with open('/proc/%d/stat' % pid) as f:
            if f.read().rpartition(')')[2].split()[0] == 'Z':
                return False
    except (OSError, ValueError, IndexError):
        return False
    return name is None or name in cmdline


class Daemon:
    """One server process the driver starts and supervises.

    ``argv`` must run the server in the foreground; the driver writes its
    pid to ``pid_file`` so a restarted share service adopts it instead
    of starting a second one.
    """

    def __init__(self, name, argv, pid_file, log_file, netns=None,
                 env=None, ready=None, start_timeout=30):
        self.name = name
        self.argv = list(argv)
        self.pid_file = pid_file
        self.log_file = log_file
        self.netns = netns
        self.env = env or {}
        self.ready = ready
        self.start_timeout = start_timeout
        self._process = None

    @property
    def binary(self):
        return os.path.basename(self.argv[0])

    def pid(self):
        """The running server's pid, or None."""
        if self._process is not None and self._process.poll() is None:
            return self._process.pid
        try:
            with open(self.pid_file) as f:
                pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if pid_alive(pid, self.binary) else None

    def running(self):
        return self.pid() is not None

    def start(self):
        """Start the server unless it runs; wait until it is ready."""
        if self.running():
            return False
        argv = netns_prefix(self.netns) + self.argv
        env = dict(os.environ)
        env.update(self.env)
        os.makedirs(os.path.dirname(self.log_file), exist_ok=True)
        with open(self.log_file, 'ab') as log:
            log.write(('==== %s: %s\n' % (time.strftime('%F %T'),
                                          ' '.join(argv))).encode())
            log.flush()
            try:
                # Its own session: signals meant for the share service's
                # process group (and smbd's own SIGTERM to its group)
                # never cross between the two.
                self._process = subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, env=env,
                    start_new_session=True, close_fds=True)
            except FileNotFoundError as err:
                raise CommandFailed(argv, 127,
                                    stderr='not installed: %s' % err)
        with open(self.pid_file, 'w') as f:
            f.write('%d\n' % self._process.pid)
        self._wait_ready()
        LOG.info('Started %s (pid %s)', self.name, self._process.pid)
        return True

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self._process.poll() is not None:
                raise exception.ShareBackendException(
                    msg='%s exited with code %s at start; see %s: %s' % (
                        self.name, self._process.returncode, self.log_file,
                        self._log_tail()))
            if self.ready is None or self.ready():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise exception.ShareBackendException(
                    msg='%s did not become ready in %ss; see %s: %s' % (
                        self.name, self.start_timeout, self.log_file,
                        self._log_tail()))
            time.sleep(0.1)

    def _log_tail(self, size=1500):
        try:
            with open(self.log_file, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - size))
                return f.read().decode(errors='replace')
        except OSError:
            return ''

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        pid = self.pid()
        if pid is None:
            return
        for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self._process is not None and self._process.pid == pid:
                    self._process.poll()
                if not pid_alive(pid):
                    break
                time.sleep(0.1)
            if not pid_alive(pid):
                break
        if self._process is not None:
            try:
                self._process.wait(1)
            except subprocess.TimeoutExpired:
                pass
        self._process = None
