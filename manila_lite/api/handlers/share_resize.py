"""The share actions ``extend`` and ``shrink`` (``os-extend`` and
``os-shrink`` before 2.7). Both answer 202; the share then shows
``extending`` or ``shrinking`` until its backend is done."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import shares as schema
from manila_lite import exception
from manila_lite.share.api import shares as share_api

V2_64 = Version('2.64')


def _new_size(args, body_schema):
    if not isinstance(args, dict) or 'new_size' not in args:
        raise exception.Invalid(
            'New share size must be specified as an integer.')
    data = common.validate(args, body_schema)
    return common.int_param(data['new_size'], 'new_size'), data


def extend(req, share, args):
    """Body {"new_size": N}; from 2.64 also "force" (administrators: skip
    the scheduler's check that the pool has room)."""
    target = {'project_id': share.project_id}
    common.authorize(req, 'share:extend', target)
    versioned = common.version(req) >= V2_64
    new_size, data = _new_size(
        args, schema.extend_v2_64 if versioned else schema.resize)
    force = versioned and common.bool_param(data.get('force', False),
                                            'force')
    if force:
        common.authorize(req, 'share:force_extend', target)
    share_api.get().extend(
        common.context(req), share, new_size, force=force,
        beyond_max_size=common.allowed(
            req, 'share:extend_share_beyond_max_share_size', target))


def shrink(req, share, args):
    common.authorize(req, 'share:shrink', {'project_id': share.project_id})
    new_size, _data = _new_size(args, schema.resize)
    share_api.get().shrink(common.context(req), share, new_size)
