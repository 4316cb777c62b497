"""Weighers ranking the pools that passed the filters.

Each weigher gives every candidate a raw score, the scores are scaled to
0..1 across the candidates (all equal scores become 0), multiplied by
the weigher's multiplier and summed; the pool with the highest total
receives the share.
"""

import math

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.scheduler import evaluator
from manila_lite.scheduler import filters

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def normalize(weights):
    """Scale weights to 0..1; identical weights all become 0."""
    if not weights:
        return []
    low, high = min(weights), max(weights)
    if low == high:
        return [0.0] * len(weights)
    return [(weight - low) / (high - low) for weight in weights]


class BaseWeigher:
    """Scores pools; higher scores win once multiplied and summed."""

    @property
    def name(self):
        return type(self).__name__

    def weight_multiplier(self):
        return 1.0

    def weigh(self, pool, spec):
        raise NotImplementedError()

    def weigh_all(self, pools, spec):
        """Normalized scores of the pools, in their order."""
        return normalize([self.weigh(pool, spec) for pool in pools])


class CapacityWeigher(BaseWeigher):
    """Prefers the pool with the most room, to spread shares.

    Room is the virtual free space on thin pools (total times the
    over-subscription ratio, less what is provisioned and reserved) and
    the real free space less the reserve otherwise.  A negative
    capacity_weight_multiplier stacks shares on the fullest pool
    instead.  Pools reporting 'unknown' capacity always rank last and
    'infinite' ones first when spreading.
    """

    def weight_multiplier(self):
        return CONF.capacity_weight_multiplier

    def weigh(self, pool, spec):
        free_space = filters.capacity_value(pool.free_capacity_gb)
        total_space = filters.capacity_value(pool.total_capacity_gb)
        spreading = self.weight_multiplier() > 0
        if {'unknown', None} & {free_space, total_space}:
            return -math.inf if spreading else math.inf
        if 'infinite' in (free_space, total_space):
            return math.inf
        reserved = float(pool.reserved_percentage or 0) / 100
        if filters.use_thin_logic(spec) and filters.pool_is_thin(pool):
            ratio = filters.over_subscription_ratio(pool)
            provisioned = float(pool.provisioned_capacity_gb or 0)
            return math.floor(total_space * ratio - provisioned -
                              total_space * reserved)
        return math.floor(free_space - total_space * reserved)

    def weigh_all(self, pools, spec):
        weights = [self.weigh(pool, spec) for pool in pools]
        finite = [weight for weight in weights if math.isfinite(weight)]
        # Infinities sit just beyond the finite extremes so that they
        # sort right without flattening the others to 0 or 1.
        low = min(finite) - 1 if finite else 0
        high = max(finite) + 1 if finite else 0
        weights = [low if weight == -math.inf else
                   high if weight == math.inf else weight
                   for weight in weights]
        return normalize(weights)


class GoodnessWeigher(BaseWeigher):
    """Prefers pools whose goodness_function rates the share highest.

    The function rates from 0 (poor choice) to 100 (perfect); True
    counts as 100.  A missing function, an error or a result outside
    0..100 rates 0.
    """

    def weight_multiplier(self):
        return CONF.goodness_weight_multiplier

    def weigh(self, pool, spec):
        function = pool.capabilities.get('goodness_function')
        if function is None or not str(function).strip():
            return 0
        try:
            result = evaluator.evaluate(
                str(function), **filters.function_namespaces(pool, spec))
        except evaluator.EvaluatorError as err:
            LOG.warning('Pool %(pool)s rated 0: its goodness_function '
                        '%(function)r cannot be evaluated: %(err)s',
                        {'pool': pool.name, 'function': function,
                         'err': err})
            return 0
        if isinstance(result, bool):
            return 100 if result else 0
        if not isinstance(result, (int, float)) or not 0 <= result <= 100:
            LOG.warning('Pool %(pool)s rated 0: its goodness_function gave '
                        '%(result)r, outside 0..100.',
                        {'pool': pool.name, 'result': result})
            return 0
        return result
