"""The programs as an operator starts them: log file names, gunicorn's
command line, and manila-lite-manage's failures on the terminal."""

import json
import os
import subprocess
import sys

from gunicorn import config as gunicorn_config

from manila_lite.cmd import api as api_cmd
from manila_lite.cmd import common
from manila_lite import conf

CONF = conf.CONF


def write_config(tmp_path, connection):
    path = tmp_path / 'manila-lite.conf'
    path.write_text('[DEFAULT]\nlog_dir = %s\nstate_path = %s\n'
                    '[database]\nconnection = %s\n' % (
                        tmp_path / 'logs', tmp_path / 'state', connection))
    (tmp_path / 'logs').mkdir()
    return str(path)


def run_python(code, env=None):
    """``python -c code``: the outermost frame oslo.log would name the log
    file after is ``<string>``."""
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def test_control_socket_under_state_path():
    argv = api_cmd.gunicorn_argv(CONF)
    assert argv[1:3] == ['-m', 'gunicorn']
    # gunicorn itself reads the command line as it will.
    parsed = gunicorn_config.Config().parser().parse_args(argv[3:])
    assert parsed.control_socket == os.path.join(
        CONF.state_path, 'manila-lite-api-%d.ctl'
        % CONF.osapi_share_listen_port)
    assert not parsed.control_socket_disable


def test_manage_names_its_log_and_says_why_it_failed(tmp_path):
    config = write_config(tmp_path, 'mysql+nosuchdriver://u:p@127.0.0.1/x')
    result = run_python(
        'import sys; from manila_lite.cmd import manage; '
        'sys.exit(manage.main(["--config-file", %r, "db", "sync"]))'
        % config)
    assert result.returncode == 1
    assert result.stderr.startswith('manila-lite-manage db sync failed: ')
    assert "pip install 'manila-lite[mysql]'" in result.stderr
    assert os.listdir(tmp_path / 'logs') == ['manila-lite-manage.log']
    assert 'Traceback' in (tmp_path / 'logs' /
                           'manila-lite-manage.log').read_text()


def test_manage_success_prints_nothing_on_stderr(tmp_path):
    config = write_config(tmp_path, 'sqlite:///%s' % (tmp_path / 'm.sqlite'))
    result = run_python(
        'import sys; from manila_lite.cmd import manage; '
        'sys.exit(manage.main(["--config-file", %r, "db", "version"]))'
        % config)
    assert (result.returncode, result.stderr) == (0, ''), result.stderr
    assert result.stdout.strip() == 'None'


def test_api_worker_logs_to_its_own_name(tmp_path):
    config = write_config(tmp_path, 'sqlite:///%s' % (tmp_path / 'm.sqlite'))
    result = run_python(
        'import manila_lite.wsgi.api',
        env={common.API_ARGS_ENV: json.dumps(['--config-file', config])})
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp_path / 'logs') == ['manila-lite-api.log']
