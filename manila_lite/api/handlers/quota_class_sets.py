"""Quota class sets: named sets of limits; ``default`` is every project's.

A project's quotas that it has not set itself are those of the class
``default``, and where that class sets nothing the ``[quota]`` options.
Other classes are kept and shown, as in Manila, but nothing reads them.
"""

from manila_lite.api import common
from manila_lite.api.handlers import quotas as quota_handlers
from manila_lite.api.schemas import quotas as schema
from manila_lite.api.views import quotas as views
from manila_lite.db import quotas as quota_db
from manila_lite import exception

# The column holding a class name.
_NAME_LENGTH = 255


def _begin(req, action, class_name):
    common.check_url_name(req)
    common.authorize(req, action)
    if len(class_name) > _NAME_LENGTH:
        raise exception.InvalidInput(
            reason='Quota class name must be at most %d characters.'
                   % _NAME_LENGTH)
    return common.context(req), common.version(req)


def show(req, class_name):
    ctx, version = _begin(req, 'quota_class_set:show', class_name)
    return views.quota_class_set(
        version, quota_db.class_limits(ctx, class_name), class_name)


def update(req, class_name):
    """Keys that are no quota resource are ignored, as Manila does; a
    resource of a later microversion than the request's is set too."""
    ctx, version = _begin(req, 'quota_class_set:update', class_name)
    data = common.body(req, schema.update_class)['quota_class_set']
    values = {key: quota_handlers.limit_value(key, value)
              for key, value in data.items()
              if key in quota_db.RESOURCES}
    if values:
        quota_db.set_class_limits(ctx, class_name, values)
    return views.quota_class_set(version,
                                 quota_db.class_limits(ctx, class_name))
