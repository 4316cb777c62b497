"""Policy defaults, one module per resource, gathered for oslo.policy."""

import itertools

from manila_lite.policies import base
from manila_lite.policies import resources


def list_rules():
    return list(itertools.chain(base.list_rules(), resources.list_rules()))
