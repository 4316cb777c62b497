"""mutmut's survivors again, each switched on before anything is imported.

mutmut forks every mutant's test run from a process that has already
imported the code, so a mutant of a function that runs at import (a
statement built once at start-up, the policy hook installed as the
policies load) never runs, and survives whatever the tests check. This
runs each survivor ``mutmut results`` lists in a pytest process of its
own with ``MUTANT_UNDER_TEST`` set from the start, against the unit tests
of its module, stopping at the first failure. Run it where ``mutmut
run`` ran, after it (``tox -e mutation`` does):

    python -m manila_lite.tests.mutants_at_import [--jobs 2]
"""

import argparse
import concurrent.futures
import configparser
import os
import pathlib
import subprocess
import sys

# mutmut's copy of the tree, where the mutants are.
MUTANTS = pathlib.Path('mutants')
UNIT = pathlib.Path('manila_lite') / 'tests' / 'unit'
# Module of the mutant -> words in the names of the test files to run.
WORDS = {
    'manila_lite.db.shares': ('share', 'quota', 'deferred', 'ensure',
                              'query_counts'),
    'manila_lite.db.access_rules': ('access',),
    'manila_lite.db.deferred_deletion': ('deferred',),
    'manila_lite.db.quotas': ('quota', 'share'),
    'manila_lite.policies': ('policy', 'rule_before_lookup'),
    'manila_lite.states': ('states',),
}


def survivors():
    listed = subprocess.run(['mutmut', 'results'], capture_output=True,
                            text=True, check=True).stdout
    return [line.split(':')[0].strip() for line in listed.splitlines()
            if line.strip().endswith(': survived')]


def _selection(mutant):
    module = mutant.rpartition('.')[0]
    words = next(words for prefix, words in sorted(
        WORDS.items(), key=lambda item: -len(item[0]))
        if module.startswith(prefix))
    return sorted(str(path.relative_to(MUTANTS))
                  for path in (MUTANTS / UNIT).rglob('test_*.py')
                  if any(word in path.name for word in words))


def _mutmut_args():
    """What setup.cfg's [mutmut] adds to every test run (its deselects)."""
    config = configparser.ConfigParser()
    config.read(MUTANTS / 'setup.cfg')
    return config.get('mutmut', 'pytest_add_cli_args', fallback='').split()


def _pytest(paths, mutant=None):
    env = dict(os.environ)
    env.pop('MUTANT_UNDER_TEST', None)
    if mutant:
        env['MUTANT_UNDER_TEST'] = mutant
    return subprocess.run(
        [sys.executable, '-m', 'pytest', '-x', '-p', 'no:cacheprovider'] +
        _mutmut_args() + paths, cwd=MUTANTS, env=env, capture_output=True,
        text=True)


def _judge(mutant):
    """killed, killed at import (the tests' modules fail to load, which
    pytest reports as 2 or 4), or survived."""
    code = _pytest(_selection(mutant), mutant).returncode
    return {0: 'survived', 1: 'killed'}.get(code, 'killed at import')


def _check_selections(mutants):
    """Each selection passes without a mutant: a usage error of this
    script must not read as a mutant killed at import."""
    for paths in {tuple(_selection(mutant)) for mutant in mutants}:
        result = _pytest(list(paths))
        if result.returncode != 0:
            raise RuntimeError('the tests fail without a mutant:\n%s'
                               % result.stdout[-2000:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('mutants', nargs='*',
                        help='these of the survivors only (default: all)')
    args = parser.parse_args(argv)
    todo = [mutant for mutant in survivors()
            if not args.mutants or mutant in args.mutants]
    _check_selections(todo)
    left = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for n, (mutant, verdict) in enumerate(zip(
                todo, pool.map(_judge, todo)), start=1):
            print('%4d/%d %-70s %s' % (n, len(todo), mutant, verdict),
                  flush=True)
            if verdict == 'survived':
                left.append(mutant)
    print('%d survivors of mutmut, %d killed with the mutant on from '
          'import, %d survived' % (len(todo), len(todo) - len(left),
                                   len(left)))
    for mutant in left:
        print('survived: %s' % mutant)
    return 1 if left else 0


if __name__ == '__main__':
    sys.exit(main())
