"""The tree passes flake8 with OpenStack's hacking checks (tox.ini's
[flake8] section), as ``tox -e pep8`` runs it: the whole test suite, and
so CI, fails on a lint error."""

import pathlib
import subprocess
import sys

import manila_lite

ROOT = pathlib.Path(manila_lite.__file__).parent.parent


def test_flake8_with_hacking_is_clean():
    plugins = subprocess.run(
        [sys.executable, '-m', 'flake8', '--version'], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout
    assert 'hacking' in plugins, plugins
    result = subprocess.run(
        [sys.executable, '-m', 'flake8', 'manila_lite', 'benchmarks'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert (result.returncode, result.stdout) == (0, ''), result.stdout
