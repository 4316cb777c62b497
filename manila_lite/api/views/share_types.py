"""Share type views: the base fields, then one small step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite import conf
from manila_lite.share import extra_specs

CONF = conf.CONF


def _v2_0(d, share_type, ctx):
    d['os-share-type-access:is_public'] = share_type.is_public


def _v2_7(d, share_type, ctx):
    # The public flag lost its extension-style prefix.
    d['share_type_access:is_public'] = d.pop(
        'os-share-type-access:is_public')


def _v2_24(d, share_type, ctx):
    if not ctx.is_admin:
        for key in extra_specs.INFERRED_FALSE:
            d['extra_specs'].setdefault(key, False)


def _v2_99(d, share_type, ctx):
    if not ctx.is_admin:
        d['extra_specs'].setdefault(
            'snapshot_inherit_share_access_support', False)


def _v2_41(d, share_type, ctx):
    d['description'] = share_type.description


def _v2_46(d, share_type, ctx):
    d['is_default'] = (CONF.default_share_type is not None and
                       share_type.name == CONF.default_share_type)


STEPS = [(Version(v), step) for v, step in (
    ('2.0', _v2_0), ('2.7', _v2_7), ('2.24', _v2_24), ('2.41', _v2_41),
    ('2.46', _v2_46), ('2.99', _v2_99),
)]


def brief(req, share_type):
    ctx = common.context(req)
    version = common.version(req)
    specs = share_type.specs
    required = extra_specs.required(specs)
    if not ctx.is_admin:
        specs = extra_specs.user_visible(specs)
        required = extra_specs.user_visible(required)
    d = {'id': share_type.id, 'name': share_type.name, 'extra_specs': specs,
         'required_extra_specs': required}
    for since, step in STEPS:
        if version >= since:
            step(d, share_type, ctx)
    return d


def show(req, share_type):
    """Manila answers under both the current and the legacy key."""
    d = brief(req, share_type)
    return {'share_type': d, 'volume_type': d}


def index(req, items, *, count=None, next_links=None):
    """Manila answers under both the current and the legacy key."""
    body = common.collection(req, 'share_types', items, brief,
                             count=count, next_links=next_links)
    body['volume_types'] = body['share_types']
    return body


def access_list(req, items, *, count=None, next_links=None, type_id):
    """``items``: the ids of the projects the type is shared with."""
    def access(req, project_id):
        return {'share_type_id': type_id, 'project_id': project_id}
    return common.collection(req, 'share_type_access', items, access,
                             count=count, next_links=next_links)
