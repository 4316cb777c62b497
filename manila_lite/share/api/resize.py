"""Extend and shrink as the API sees them: validate, reserve, cast.

A mixin of share.api.API. Starting a resize moves the share to
extending or shrinking, from a status the state table allows, and
reserves the change of gigabytes in one transaction
(db.share_resize.start), so a request over quota changes nothing. An
extend goes to the scheduler, which checks that the share's pool has room
for the growth, unless an administrator forces it (2.64+); a shrink goes
straight to the share's backend.
"""

import contextlib

from oslo_log import log as logging

from manila_lite.db import share_resize as resize_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.share.api import specs as specs_api
from manila_lite import states

LOG = logging.getLogger(__name__)

MAX_SIZE = 'provisioning:max_share_size'
MIN_SIZE = 'provisioning:min_share_size'
MAX_EXTEND_SIZE = 'provisioning:max_share_extend_size'


def _share_type(context, share):
    try:
        return type_db.get(context.elevated(), share.share_type_id,
                           check_access=False)
    except exception.ShareTypeNotFound:
        return None


# provisioning extra spec -> (what a size beyond it is, is it beyond?)
_LIMITS = {
    MIN_SIZE: ('less than the minimum required size',
               lambda size, limit: size < limit),
    MAX_SIZE: ('greater than the maximum allowable size',
               lambda size, limit: size > limit),
    MAX_EXTEND_SIZE: ('greater than the maximum allowable extend size',
                      lambda size, limit: size > limit),
}


def check_provisioning_size(share_type, new_size, key):
    """400 when the type's provisioning limit ``key`` forbids the size."""
    limit = share_type and share_type.specs.get(key)
    what, beyond = _LIMITS[key]
    if limit and beyond(new_size, int(limit)):
        raise exception.InvalidInput(
            reason="Specified share size of '%d' is %s of '%s' for share "
                   "type '%s'." % (new_size, what, limit, share_type.name))


def _resizable(target):
    """The statuses a resize to ``target`` starts from, for messages."""
    return ', '.join(states.sources(states.SHARE_INSTANCE, target))


@contextlib.contextmanager
def _undone_without_broker(context, share, status, reservations):
    """A resize whose request the broker would not take did not start:
    the share is back in its status and its reservation given back."""
    try:
        yield
    except exception.BrokerUnavailable:
        resize_db.fail(context, share.instance.id, status, share.status,
                       reservations)
        raise


class ResizeAPIMixin:
    """extend and shrink of share.api.API."""

    @staticmethod
    def _check_resizable(share, target, action):
        if not states.allowed(states.SHARE_INSTANCE, share.status, target):
            raise exception.InvalidShare(
                reason="Share %s status must be '%s' to %s, but current "
                       "status is: %s." % (share.id, _resizable(target),
                                           action, share.status))
        if not share.host:
            raise exception.InvalidShare(
                reason='Share %s is on no backend; it cannot be resized.'
                       % share.id)

    def _start_resize(self, context, share, target, new_size):
        rpc.BROKER.check()
        try:
            reservations = resize_db.start(context, share, target, new_size)
        except exception.OverQuota as err:
            if err.kwargs.get('resource') == 'gigabytes':
                LOG.warning('Quota exceeded for %s: extending share %s to '
                            '%s GiB', share.project_id, share.id, new_size)
                raise exception.ShareSizeExceedsAvailableQuota()
            raise
        if reservations is None:
            current = share_db.instance_get(context, share.instance.id).status
            raise exception.InvalidShare(
                reason="Share %s status must be '%s', but current status "
                       "is: %s." % (share.id, _resizable(target), current))
        return reservations

    def extend(self, context, share, new_size, force=False,
               beyond_max_size=False):
        """``force`` skips the scheduler's capacity check (admin only);
        ``beyond_max_size``: the caller may pass the type's
        max_share_size, up to its max_share_extend_size."""
        self._check_resizable(share, states.EXTENDING, 'extend')
        resize_db.check_new_size(states.EXTENDING, share.size, new_size)
        share_type = _share_type(context, share)
        check_provisioning_size(share_type, new_size,
                                MAX_EXTEND_SIZE if beyond_max_size
                                else MAX_SIZE)
        reservations = self._start_resize(context, share,
                                          states.EXTENDING, new_size)
        instance = share.instance
        with _undone_without_broker(context, share, states.EXTENDING,
                                    reservations):
            if force:
                self.share_rpc.extend_share(context, instance.host,
                                            instance.id, new_size,
                                            reservations)
            else:
                # Read back with its share, which request_spec needs.
                instance = share_db.instance_get(context, instance.id)
                self.scheduler_rpc.extend_share(
                    context, instance.id, new_size, reservations,
                    specs_api.request_spec(context, instance, share_type))
        LOG.info('Extend of share %s to %s GiB requested%s', share.id,
                 new_size, ' (forced)' if force else '')

    def shrink(self, context, share, new_size):
        self._check_resizable(share, states.SHRINKING, 'shrink')
        resize_db.check_new_size(states.SHRINKING, share.size, new_size)
        check_provisioning_size(_share_type(context, share), new_size,
                                MIN_SIZE)
        reservations = self._start_resize(context, share,
                                          states.SHRINKING, new_size)
        instance = share.instance
        with _undone_without_broker(context, share, states.SHRINKING,
                                    reservations):
            self.share_rpc.shrink_share(context, instance.host, instance.id,
                                        new_size, reservations)
        LOG.info('Shrink of share %s to %s GiB requested', share.id,
                 new_size)
