"""Mutants of the state tables, which mutmut cannot make.

mutmut mutates code inside functions; the transition tables and status
lists of ``manila_lite/states.py`` are module-level data, so no mutmut
mutant ever changes what they allow. This module makes those mutants:

- every transition of every table, dropped;
- every settled status (available, active, deleted, denied) the table
  leads to, added as a target where it is not allowed (a forbidden
  transition allowed, e.g. ``queued_to_deny -> active``);
- every member of a status list, dropped.

Each mutant runs in a pytest process of its own: loaded with
``-p manila_lite.tests.table_mutants``, this module applies the mutant
named by ``MANILA_LITE_STATES_MUTANT`` before any other manila_lite
module is imported, so what those compute from the tables at import
sees the mutant too. A mutant is first run against the unit tests of
its table's resource, stopping at the first failure; one that survives
is run against the whole unit suite (unless --resource-tests-only).
Survivors are printed last; the exit status is 1 when any survived.

    python -m manila_lite.tests.table_mutants [--jobs 2] [--only TABLE]
"""

import argparse
import concurrent.futures
import os
import pathlib
import subprocess
import sys

from manila_lite import states

ENV = 'MANILA_LITE_STATES_MUTANT'
TABLES = ('INSTANCE_ACCESS', 'ACCESS_RULE', 'SHARE_INSTANCE', 'SNAPSHOT',
          'SNAPSHOT_ACCESS_RULE', 'SHARE_GROUP', 'SHARE_NETWORK',
          'SHARE_SERVER')
LISTS = ('ACCESS_RULE_TRANSITIONAL', 'ACCESS_RULE_UPDATABLE',
         'SHARE_RESET_STATUSES', 'SNAPSHOT_RESET_STATUSES', 'SNAPSHOT_BUSY',
         'SHARE_SNAPSHOTTABLE', 'SNAPSHOT_USABLE',
         'SHARE_GROUP_RESET_STATUSES', 'DEFERRED_DELETION')
SETTLED = (states.AVAILABLE, states.ACCESS_ACTIVE, states.DELETED,
           states.ACCESS_DENIED)
UNIT = pathlib.Path(__file__).parent / 'unit'
# The unit tests of each table's resource, by the words in their file
# names (the longest table prefix wins); the state tests come first.
WORDS = {
    'INSTANCE_ACCESS': ('access',), 'ACCESS_RULE': ('access',),
    'SNAPSHOT': ('snapshot',), 'SNAPSHOT_ACCESS_RULE': ('snapshot_access',),
    'SHARE_GROUP': ('group',), 'SHARE_NETWORK': ('network', 'server'),
    'SHARE_SERVER': ('server',),
    # Shares: their API, manager parts and periodic tasks.
    '': ('share', 'resize', 'manage', 'deferred', 'ensure', 'redrive'),
}
FIRST = (UNIT / 'test_states.py',
         UNIT / 'api' / 'test_states_are_the_one_source.py')


def mutants():
    """Every mutant, as the text ``MANILA_LITE_STATES_MUTANT`` takes."""
    found = []
    for name in TABLES:
        table = getattr(states, name)
        reachable = set().union(*table.values())
        for current, targets in sorted(table.items()):
            found += ['%s:%s:-%s' % (name, current, target)
                      for target in sorted(targets)]
            found += ['%s:%s:+%s' % (name, current, target)
                      for target in SETTLED
                      if target != current and target not in targets and
                      target in reachable]
    for name in LISTS:
        found += ['%s::-%s' % (name, member)
                  for member in getattr(states, name)]
    return found


def apply(mutant):
    """Change manila_lite.states as ``mutant`` says."""
    name, current, change = mutant.split(':')
    value = change[1:]
    if name in LISTS:
        setattr(states, name,
                tuple(s for s in getattr(states, name) if s != value))
        return
    targets = getattr(states, name)[current]
    if change.startswith('-'):
        targets.discard(value)
    else:
        targets.add(value)


if os.environ.get(ENV):
    # Loaded as a pytest plugin for one mutant: mutate before anything
    # else of manila_lite reads the tables.
    apply(os.environ[ENV])


def _selection(mutant):
    name = mutant.split(':')[0]
    words = next(words for prefix, words in sorted(
        WORDS.items(), key=lambda item: -len(item[0]))
        if name.startswith(prefix))
    files = sorted(path for path in UNIT.rglob('test_*.py')
                   if any(word in path.name for word in words))
    return [str(path) for path in FIRST] + [
        str(path) for path in files if path not in FIRST]


def _run(mutant, paths):
    """True when the tests kill ``mutant``."""
    result = subprocess.run(
        [sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:randomly',
         '-p', 'no:xdist', '-p', 'no:cacheprovider',
         '-p', 'manila_lite.tests.table_mutants'] + paths,
        env=dict(os.environ, **{ENV: mutant}), capture_output=True,
        text=True)
    if result.returncode not in (0, 1):
        raise RuntimeError('%s: pytest exited %d\n%s' % (
            mutant, result.returncode, result.stdout[-2000:]))
    return result.returncode == 1


def _judge(mutant, whole_suite):
    if _run(mutant, _selection(mutant)):
        return 'killed'
    if whole_suite and _run(mutant, [str(UNIT)]):
        return 'killed by the whole unit suite'
    return 'survived'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--only', help='one table or list of states.py')
    parser.add_argument('--resource-tests-only', action='store_true',
                        help='judge survivors by their resource\'s tests, '
                             'without the whole unit suite')
    args = parser.parse_args(argv)
    todo = [m for m in mutants()
            if not args.only or m.split(':')[0] == args.only]
    survivors = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        verdicts = pool.map(
            lambda mutant: (mutant, _judge(
                mutant, not args.resource_tests_only)), todo)
        for n, (mutant, verdict) in enumerate(verdicts, start=1):
            print('%4d/%d %-60s %s' % (n, len(todo), mutant, verdict),
                  flush=True)
            if verdict == 'survived':
                survivors.append(mutant)
    print('%d mutants, %d killed, %d survived' % (
        len(todo), len(todo) - len(survivors), len(survivors)))
    for mutant in survivors:
        print('survived: %s' % mutant)
    return 1 if survivors else 0


if __name__ == '__main__':
    sys.exit(main())
