"""oslo.policy's plugin rule checks, imported only when a rule uses one.

oslo.policy imports every ``oslo.policy.rule_checks`` plugin as it parses
its first rule, to learn whether a kind such as ``role`` is one of them:
its HTTP check brings in requests and urllib3, about 5 MiB in every
process that parses a rule, for checks no default rule uses. ``install``
makes it answer from the entry points' names instead; a policy file that
uses ``http:`` or ``https:`` still gets them, imported at that moment.
Call it before any rule is parsed (rules parse as they are defined).
"""

import importlib.metadata

from oslo_policy import _checks


class _PluginChecks(dict):
    """{kind: check class}, each loaded the first time it is looked up."""

    def __init__(self):
        super().__init__()
        self._entry_points = {
            entry_point.name: entry_point
            for entry_point in importlib.metadata.entry_points(
                group='oslo.policy.rule_checks')}

    def __contains__(self, kind):
        return kind in self._entry_points

    def __getitem__(self, kind):
        if not dict.__contains__(self, kind):
            self[kind] = self._entry_points[kind].load()
        return dict.__getitem__(self, kind)


def install():
    """Once per process; a no-op when oslo.policy already loaded them, or
    keeps them elsewhere than this hook expects (a later release)."""
    if getattr(_checks, 'extension_checks', False) is None:
        _checks.extension_checks = _PluginChecks()
