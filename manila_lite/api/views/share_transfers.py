"""Share transfer views (2.77): summary, detail, and the answer to a
create, the only one with the auth key.

Only pending transfers exist here (an accepted one is deleted), so
``accepted`` is always false and ``destination_project_id`` null.
"""

from manila_lite.api import common

COLLECTION = 'share-transfers'


def summary(req, transfer):
    return {
        'id': transfer.id,
        'name': transfer.display_name,
        'resource_type': transfer.resource_type,
        'resource_id': transfer.resource_id,
        'links': common.links(req, COLLECTION, transfer.id),
    }


def detail(req, transfer):
    return {
        'id': transfer.id,
        'created_at': common.isotime(transfer.created_at),
        'name': transfer.display_name,
        'resource_type': transfer.resource_type,
        'resource_id': transfer.resource_id,
        'source_project_id': transfer.source_project_id,
        'destination_project_id': None,
        'accepted': False,
        'expires_at': common.isotime(transfer.expires_at),
        'links': common.links(req, COLLECTION, transfer.id),
    }


def created(req, transfer, auth_key):
    return {'transfer': dict(detail(req, transfer), auth_key=auth_key)}


def show(req, transfer):
    return {'transfer': detail(req, transfer)}


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'transfers', items, summary,
                             count=count, next_links=next_links)


def detail_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'transfers', items, detail,
                             count=count, next_links=next_links)
