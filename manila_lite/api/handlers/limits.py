"""Limits: the caller's project quotas and what it uses of them.

No rate limiting middleware exists, so ``rate`` is always empty.
"""

from manila_lite.api import common
from manila_lite.api.views import quotas as views
from manila_lite.db import quotas as quota_db


def index(req):
    ctx = common.context(req)
    common.authorize(req, 'limits:index')
    limits = quota_db.get_limits(ctx, ctx.project_id)
    usage = quota_db.usages(ctx, ctx.project_id)
    return views.limits(common.version(req), limits, usage)
