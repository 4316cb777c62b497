"""Export location views: summary in lists, timestamps on show."""

from manila_lite.api import common
from manila_lite.api.microversion import Version

V2_14 = Version('2.14')
V2_87 = Version('2.87')


def summary(req, location):
    d = {'id': location.uuid, 'path': location.path}
    if common.version(req) >= V2_14:
        d['preferred'] = location.preferred
    if common.version(req) >= V2_87:
        # 'preferred' is a field of its own, never a metadata item.
        d['metadata'] = {key: value for key, value
                         in location.metadata_dict.items()
                         if key != 'preferred'}
    if common.context(req).is_admin:
        d['share_instance_id'] = location.share_instance_id
        d['is_admin_only'] = location.is_admin_only
    return d


def detail(req, location):
    d = summary(req, location)
    d['created_at'] = common.isotime(location.created_at)
    d['updated_at'] = common.isotime(location.updated_at)
    return d


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'export_locations', items, summary,
                             count=count, next_links=next_links)
