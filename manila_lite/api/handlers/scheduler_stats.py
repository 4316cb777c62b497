"""Scheduler statistics: the storage pools the scheduler knows about.

The scheduler returns every pool; the query filters are applied here, the
way Manila defines them: ``host``, ``backend``, ``pool`` (or ``pool_name``)
and ``name`` are regular expressions matched at the start of the field,
``capabilities`` and the extra specs of ``share_type`` (2.23+) must be
satisfied as the scheduler's capabilities filter would, and any other key
matches no pool.
"""

import re

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.db import share_types as type_db
from manila_lite import exception
from manila_lite.scheduler import filters as sched_filters
from manila_lite.scheduler import rpcapi

_FIELDS = ('name', 'host', 'backend', 'pool')
_ALIASES = {'pool_name': 'pool'}


def _wanted(req):
    """(regexes by field, extra specs) or None when nothing can match."""
    ctx = common.context(req)
    params = dict(req.GET)
    specs = {}
    if 'capabilities' in params:
        specs.update(common.dict_param(params.pop('capabilities'),
                                       'capabilities'))
    if common.version(req) >= Version('2.23') and 'share_type' in params:
        name = params.pop('share_type')
        if name:
            try:
                share_type = type_db.get_by_name_or_id(ctx, name)
            except exception.ShareTypeNotFound:
                raise exception.Invalid('Share type %s not found.' % name)
            specs.update(share_type.specs)
    regexes = {}
    for key, value in params.items():
        field = _ALIASES.get(key, key)
        if field not in _FIELDS:
            return None
        try:
            regexes[field] = re.compile(value)
        except re.error as err:
            raise exception.Invalid(
                '%s is not a valid regular expression: %s' % (key, err))
    specs = sched_filters.scheduling_extra_specs(
        {'share_type': {'extra_specs': specs}})
    return regexes, specs


def _passes(pool, regexes, specs):
    for field, regex in regexes.items():
        value = pool.get(field)
        if value is None or not regex.match(str(value)):
            return False
    return sched_filters.capabilities_satisfied(
        pool.get('capabilities') or {}, specs)


def _pools(req, detail):
    wanted = _wanted(req)
    if wanted is None:
        return {'pools': []}
    pools = rpcapi.shared().get_pools(common.context(req), None) or []
    keys = _FIELDS + (('capabilities',) if detail else ())
    return {'pools': [{key: pool.get(key) for key in keys}
                      for pool in pools if _passes(pool, *wanted)]}


def pools(req):
    common.authorize(req, 'scheduler_stats:pools:index')
    return _pools(req, detail=False)


def pools_detail(req):
    common.authorize(req, 'scheduler_stats:pools:detail')
    return _pools(req, detail=True)
