"""What the running daemons have imported, read from inside each of them.

Claims checked (README.rst "No process uses eventlet", docs/architecture.rst
"Concurrency model", manila_lite/cmd/api.py):

* no process has eventlet loaded: not manila-lite-all, not
  manila-lite-api's gunicorn master nor its workers, not
  manila-lite-scheduler, manila-lite-share or manila-lite-manage;
* the API's gunicorn master has imported nothing of manila-lite's (the
  workers import the application after the fork).

The daemons are the console scripts, started by the deployments the other
functional tests use, with one addition: a ``sitecustomize`` module on
PYTHONPATH (stdlib only, no manila_lite) that, in every interpreter of the
deployment, dumps the names of the loaded modules to a file when sent
SIGPWR -- a signal nothing in manila-lite or gunicorn handles -- and when
the interpreter exits (manila-lite-manage's ``db sync``). Each daemon is
asked once it has served a share's creation end to end. The tree under
test leads PYTHONPATH too, and each dump names the manila_lite its process
ran: the console scripts' editable install may point elsewhere.
"""

import json
import os
import signal

import pytest

import manila_lite
from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed

PROBE_ENV = 'MANILA_LITE_TEST_MODULE_PROBE'
TREE = os.path.dirname(os.path.dirname(manila_lite.__file__))
PROBE = '''\
import os
import signal
import sys

_DIR = os.environ.get(%(env)r)


def _dump(suffix):
    import json
    loaded = sorted(name for name, module in dict(sys.modules).items()
                    if module is not None)
    path = os.path.join(_DIR, '%%d%%s.json' %% (os.getpid(), suffix))
    package = sys.modules.get('manila_lite')
    with open(path + '.part', 'w') as f:
        json.dump({'argv': sys.argv, 'modules': loaded,
                   'manila_lite': getattr(package, '__file__', None)}, f)
    os.replace(path + '.part', path)


if _DIR:
    signal.signal(signal.SIGPWR, lambda _signum, _frame: _dump(''))
    import atexit
    atexit.register(_dump, '-exit')
''' % {'env': PROBE_ENV}


@pytest.fixture
def probe_dir(tmp_path, monkeypatch):
    """Where the processes started meanwhile write what they loaded."""
    code = tmp_path / 'probe-code'
    code.mkdir()
    (code / 'sitecustomize.py').write_text(PROBE)
    dumps = tmp_path / 'modules'
    dumps.mkdir()
    # The daemons run the manila_lite under test, wherever the console
    # scripts' editable install points.
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join(
        filter(None, [str(code), TREE, os.environ.get('PYTHONPATH')])))
    monkeypatch.setenv(PROBE_ENV, str(dumps))
    return dumps


def _children(pid):
    with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
        return [int(child) for child in f.read().split()]


def _loaded(probe_dir, pid):
    """The modules ``pid`` has loaded, asked now by SIGPWR."""
    path = probe_dir / ('%d.json' % pid)
    assert not path.exists()
    os.kill(pid, signal.SIGPWR)
    deploy.wait_for(path.exists, 30, interval=0.1,
                    message='process %d to list its modules' % pid)
    return json.loads(path.read_text())


def _eventlet(modules):
    return [name for name in modules
            if name == 'eventlet' or name.startswith('eventlet.')]


def _manila_lite(modules):
    return [name for name in modules
            if name == 'manila_lite' or name.startswith('manila_lite.')]


def _serve_a_share(deployment):
    """A share created through the API, placed by the scheduler and made
    by the share manager: every daemon has done its work once."""
    manila = deployment.manila(project='modules')
    share = manila.shares.create('NFS', 1, name='modules')
    deploy.wait_for_share(manila, share.id, 'available')


def test_all_in_one_runs_without_eventlet(tmp_path_factory, probe_dir):
    aio = deploy.all_in_one(tmp_path_factory.mktemp('modules-aio'))
    with deploy.running(aio):
        _serve_a_share(aio)
        found = _loaded(probe_dir, aio.daemons['all'].pid)
    assert found['manila_lite'] == manila_lite.__file__
    assert 'manila_lite.cmd.all' in found['modules']
    assert 'cheroot.wsgi' in found['modules']
    assert _eventlet(found['modules']) == []


def test_split_daemons_run_without_eventlet_and_api_master_is_bare(
        tmp_path_factory, probe_dir):
    with testbed.running_split(tmp_path_factory, 'mysql') as split:
        _serve_a_share(split)
        master = split.daemons['api'].pid
        workers = _children(master)
        assert len(workers) == split.config['DEFAULT']['osapi_share_workers']
        found = {name: _loaded(probe_dir, split.daemons[name].pid)
                 for name in ('scheduler', 'share')}
        found['api master'] = _loaded(probe_dir, master)
        found.update(('api worker %d' % pid, _loaded(probe_dir, pid))
                     for pid in workers)
        # Killed rather than stopped: their shutdown (seconds of RPC
        # draining) is not what this test is about.
        for name in split.daemons:
            split.kill(name)
    # manila-lite-manage (db sync) ran before the daemons; its list was
    # written as it exited.
    exits = [json.loads(path.read_text())
             for path in probe_dir.glob('*-exit.json')]
    found.update(('manage %s' % ' '.join(dump['argv'][-2:]), dump)
                 for dump in exits
                 if os.path.basename(dump['argv'][0]) == 'manila-lite-manage')
    assert 'manage db sync' in found

    assert {name: _eventlet(dump['modules'])
            for name, dump in found.items()} == {name: [] for name in found}
    # Each ran the manila_lite under test (the master none).
    assert {name: dump['manila_lite'] for name, dump in found.items()} == {
        name: None if name == 'api master' else manila_lite.__file__
        for name in found}
    # The master is gunicorn's, exec'd by manila-lite-api: it never
    # imported the application; its workers did.
    assert 'gunicorn.arbiter' in found['api master']['modules']
    assert _manila_lite(found['api master']['modules']) == []
    for pid in workers:
        assert 'manila_lite.api.app' in found['api worker %d' % pid][
            'modules']
    assert 'manila_lite.scheduler.manager' in found['scheduler']['modules']
    assert 'manila_lite.share.manager' in found['share']['modules']
