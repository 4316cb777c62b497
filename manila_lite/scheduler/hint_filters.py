"""Filters honouring the scheduler hints of a share create (2.65, 2.67).

``same_host`` and ``different_host`` name shares; a pool passes when it
holds all of the former and none of the latter, compared as Manila does,
pool by pool (``host@backend#pool``). The hosts are looked up when the
share is placed, not when it was requested, so a share named while it was
still being created counts where it ended up. ``only_host`` (an
administrator's, 2.67) names the one pool allowed.
"""

from manila_lite import context as ml_context
from manila_lite.db import scheduler_hints as hints_db
from manila_lite.scheduler import filters


def _hints(spec):
    return spec.get('scheduler_hints') or {}


def _hosts(spec, hint):
    """{share_id: host} of the shares a hint names, looked up once per
    placement (the filters ask pool by pool)."""
    cache = spec.setdefault('_hint_hosts', {})
    if hint not in cache:
        cache[hint] = hints_db.hosts_of(ml_context.get_admin_context(),
                                        _hints(spec).get(hint) or [])
    return cache[hint]


class AffinityFilter(filters.BaseFilter):
    """Keeps the pool that holds every share named in ``same_host``; none
    when one of them is gone or not placed."""

    def host_passes(self, pool, spec):
        wanted = _hints(spec).get('same_host')
        if not wanted:
            return True
        hosts = _hosts(spec, 'same_host')
        return all(hosts.get(share_id) == pool.name for share_id in wanted)


class AntiAffinityFilter(filters.BaseFilter):
    """Keeps the pools that hold none of the shares in ``different_host``;
    a share deleted meanwhile no longer constrains anything."""

    def host_passes(self, pool, spec):
        if not _hints(spec).get('different_host'):
            return True
        return pool.name not in set(_hosts(spec, 'different_host').values())


class OnlyHostFilter(filters.BaseFilter):
    """Keeps only the pool an administrator named in ``only_host``."""

    def host_passes(self, pool, spec):
        only_host = _hints(spec).get('only_host')
        return only_host is None or pool.name == only_host
