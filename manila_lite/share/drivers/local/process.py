"""Running the backend's commands and keeping its daemons alive.

Every external command of the local driver goes through :func:`execute`,
so a failure always says which command failed and what it printed.
:class:`Daemon` starts a server (ganesha.nfsd, smbd, dbus-daemon,
rpcbind) in its own session, optionally inside a network namespace, and
finds it again by its pid file after the share service restarts: the
servers outlive the share service so clients keep their mounts.
"""

import os
import re
import signal
import subprocess
import time

from oslo_log import log as logging

from manila_lite import exception

LOG = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 120
# Lines of a server's own log that say why it stopped: Ganesha's levels
# FATAL, CRIT and MAJ, and any line naming an error.
_CAUSE = re.compile(r':(FATAL|CRIT|MAJ) :|error|fail|cannot|denied',
                    re.IGNORECASE)
# Ganesha's "date : epoch ... : host : nfs-ganesha-PID[thread] " prefix.
_GANESHA_PREFIX = re.compile(r'^.*?nfs-ganesha-\d+\[[^]]*\] ')
_SS_USER = re.compile(r'\("([^"]+)",pid=(\d+)')


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


def listeners(port, netns=None):
    """Who listens on TCP ``port`` in ``netns``: ["name (pid N)", ...];
    ["?"] for a listener ss cannot name; [] when the port is free."""
    result = execute('ss', '-Hltnp', 'sport = :%d' % int(port), netns=netns,
                     check=False)
    found = []
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        users = ['%s (pid %s)' % m for m in _SS_USER.findall(line)]
        found.extend(users or ['?'])
    return sorted(set(found))


def check_port_free(port, option, server, netns=None, hint='',
                    change=None):
    """Refuse to start ``server`` on a port some other program holds, with
    a message saying what to do (the server itself would only log it).
    ``option`` says where the port comes from, ``change`` what else to
    change (default: that option)."""
    holders = listeners(port, netns)
    if not holders:
        return
    where = ('network namespace %s' % netns if netns
             else "the host's network namespace")
    raise exception.ShareBackendException(
        msg='%s cannot start: port %s (%s) is already taken in %s by %s. '
            '%sOr set local_daemon_netns to run the driver\'s servers in a '
            'network namespace of their own, change %s, or set '
            'local_manage_daemons = false to use the system\'s servers.' % (
                server, port, option, where, ', '.join(holders),
                hint + ' ' if hint else '', change or option))


def cause_from_log(text, limit=3):
    """The lines of a server log explaining a failure, prefixes removed."""
    lines = [_GANESHA_PREFIX.sub('', line.strip())
             for line in _output_lines(text) if _CAUSE.search(line)]
    return '; '.join(lines[-limit:])


class Daemon:
    """One server process the driver starts and supervises.

    ``argv`` must run the server in the foreground; the driver writes its
    pid to ``pid_file`` so a restarted share service adopts it instead
    of starting a second one.
    """

    def __init__(self, name, argv, pid_file, log_file, netns=None,
                 env=None, ready=None, start_timeout=30, server_log=None):
        """``log_file`` gets the server's output; ``server_log`` is the
        log the server writes itself (where it says why it failed)."""
        self.name = name
        self.server_log = server_log
        self.argv = list(argv)
        self.pid_file = pid_file
        self.log_file = log_file
        self.netns = netns
        self.env = env or {}
        self.ready = ready
        self.start_timeout = start_timeout
        self._process = None
        self._offsets = {}

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
        self._offsets = {path: _size(path)
                         for path in (self.log_file, self.server_log) if path}
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
                    msg='%s exited with code %s at start: %s' % (
                        self.name, self._process.returncode, self.cause()))
            if self.ready is None or self.ready():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise exception.ShareBackendException(
                    msg='%s did not become ready in %ss: %s' % (
                        self.name, self.start_timeout, self.cause()))
            time.sleep(0.1)

    def cause(self):
        """Why the last start failed, quoted from what the server wrote
        since (its own log first), and where to read more."""
        for path in (self.server_log, self.log_file):
            if not path:
                continue
            text = _read_from(path, self._offsets.get(path, 0))
            cause = cause_from_log(text)
            if cause:
                return '%s (from %s)' % (cause, path)
        tail = _output_lines(_read_from(self.log_file, self._offsets.get(
            self.log_file, 0)))[-3:]
        return '%s (see %s)' % ('; '.join(tail) or 'no output',
                                self.server_log or self.log_file)

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


def _output_lines(text):
    """A log's lines, without the command lines Daemon.start writes."""
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith('==== ')]


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_from(path, offset, limit=20000):
    """What ``path`` got since ``offset`` (its last ``limit`` bytes)."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            end = f.tell()
            f.seek(max(offset if offset <= end else 0, end - limit))
            return f.read().decode(errors='replace')
    except OSError:
        return ''
