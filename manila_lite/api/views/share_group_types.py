"""Share group type views: the base fields, then one step per
microversion that changed them."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite import conf

CONF = conf.CONF


def _v2_46(d, group_type):
    d['is_default'] = (CONF.default_share_group_type is not None and
                       group_type.name == CONF.default_share_group_type)


STEPS = [(Version('2.46'), _v2_46)]


def brief(req, group_type):
    version = common.version(req)
    d = {'id': group_type.id, 'name': group_type.name,
         'is_public': group_type.is_public,
         'group_specs': group_type.specs,
         'share_types': group_type.share_type_ids}
    for since, step in STEPS:
        if version >= since:
            step(d, group_type)
    return d


def show(req, group_type):
    return {'share_group_type': brief(req, group_type)}


def index(req, items, *, count=None, next_links=None):
    return common.collection(req, 'share_group_types', items, brief,
                             count=count, next_links=next_links)


def access_list(req, items, *, count=None, next_links=None, type_id):
    """``items``: the ids of the projects the type is shared with."""
    def access(req, project_id):
        return {'share_group_type_id': type_id, 'project_id': project_id}
    return common.collection(req, 'share_group_type_access', items, access,
                             count=count, next_links=next_links)
