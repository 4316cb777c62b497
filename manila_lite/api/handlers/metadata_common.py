"""What the metadata APIs of shares, snapshots and export locations share:
body checks, admin-only keys (2.68, 2.87) and the empty 200 of a delete."""

import webob

from manila_lite.api import common
from manila_lite import exception

ADMIN_ONLY_REFUSED = 'Cannot set or update admin only metadata.'


def items(req, allow_null=False):
    """The body's metadata, checked as Manila checks it (400s)."""
    data = common.body(req, {})
    if not isinstance(data, dict) or 'metadata' not in data:
        raise exception.Invalid('Malformed request body')
    metadata = data['metadata']
    if metadata is None and allow_null:
        return {}
    if not isinstance(metadata, dict):
        raise exception.Invalid('Malformed request body')
    for key, value in metadata.items():
        if not key:
            raise exception.Invalid('Metadata property key is blank.')
        if len(key) > 255:
            raise exception.Invalid(
                'Metadata property key is greater than 255 characters.')
        if not isinstance(value, str):
            raise exception.Invalid('Malformed request body')
        if not value:
            raise exception.Invalid('Metadata property value is blank.')
        if len(value) > 1023:
            raise exception.Invalid(
                'Metadata property value is greater than 1023 characters.')
    return metadata


def item_for_key(req, key):
    """The one item a POST on ``.../metadata/{key}`` sets."""
    metadata = items(req)
    if key not in metadata:
        raise exception.Invalid('Request body and URI mismatch')
    if len(metadata) > 1:
        raise exception.Invalid('Request body contains too many items')
    return metadata


def admin_only_merge(req, rule, admin_keys, current, requested, replace):
    """What to store when a caller sets ``requested``.

    A caller the ``rule`` refuses gets 403 for naming an admin-only key;
    the admin-only keys already there survive its replace-all, as in
    Manila. Returns (metadata to store, replace flag to store it with).
    """
    protected = set(admin_keys)
    if protected & set(requested):
        if not common.allowed(req, rule):
            raise exception.NotAuthorized(ADMIN_ONLY_REFUSED)
        protected = set()
    if replace:
        kept = {key: current[key] for key in protected if key in current}
        return dict(requested, **kept), True
    return {key: value for key, value in requested.items()
            if key not in protected}, False


def check_admin_only_delete(req, rule, admin_keys, key):
    if key in admin_keys and not common.allowed(req, rule):
        raise exception.NotAuthorized(ADMIN_ONLY_REFUSED)


def empty_200():
    """200 with no body, as Manila answers a metadata delete (pecan would
    turn an empty 200 into a 204 unless its body is an iterator)."""
    response = webob.Response(status=200, content_type=None)
    response.app_iter = (chunk for chunk in [b''])
    response.content_length = 0
    return response
