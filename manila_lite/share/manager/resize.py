"""Share manager: extending and shrinking shares on the backend.

The API has already moved the instance to ``extending`` or ``shrinking``
and reserved the change of gigabytes; this calls the driver and records
its answer in one transaction with the quota (db.share_resize). What the
owner of the share sees when it goes wrong:

* extend fails: ``extending_error`` and a user message; quota given back.
* shrink refused because the data would not fit
  (ShareShrinkingPossibleDataLoss), or the driver cannot shrink: the share
  is ``available`` again at its old size, with a user message.
* shrink fails otherwise: ``shrinking_error`` and a user message.

After a restart, a resize left half done is run again: the reservation it
holds tells the size it was heading for (drivers treat resizing to the
current size as success). One whose reservation is gone (expired) ends in
its error status.
"""

from oslo_log import log as logging

from manila_lite.db import share_resize as resize_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)

_ERRORS = {states.EXTENDING: states.EXTENDING_ERROR,
           states.SHRINKING: states.SHRINKING_ERROR}
_ACTIONS = {states.EXTENDING: messages.ACTION_EXTEND,
            states.SHRINKING: messages.ACTION_SHRINK}


def _failure(status, err):
    """(status to record, user message detail) for a driver's error."""
    if status == states.EXTENDING:
        return states.EXTENDING_ERROR, messages.DRIVER_FAILED_EXTEND
    if isinstance(err, exception.ShareShrinkingPossibleDataLoss):
        return states.AVAILABLE, messages.DRIVER_REFUSED_SHRINK
    if isinstance(err, NotImplementedError):
        return states.AVAILABLE, messages.DRIVER_FAILED_SHRINK
    return states.SHRINKING_ERROR, messages.UNKNOWN_ERROR


class Resize(backend.Part):
    """extend_share and shrink_share RPC methods."""

    def _resizing(self, context, share_instance_id, status, new_size):
        """(instance, reservation ids) if the instance still waits for
        this very resize, else None.

        The reservation the resize holds must be for the change from the
        current size to ``new_size``: a request left over from an earlier
        resize of the same share (redelivered after a restart) does not
        match it and is ignored.
        """
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            LOG.warning('Share instance %s vanished before resizing',
                        share_instance_id)
            return None
        if instance.status != status:
            LOG.info('Share instance %s is %s, no longer %s; ignoring the '
                     'request', share_instance_id, instance.status, status)
            return None
        share = instance.share
        ids, delta = resize_db.pending(context, share.project_id,
                                       instance.id)
        if delta is None:
            LOG.warning('Share instance %s is %s but its quota reservation '
                        'is gone (expired?); marking it %s',
                        instance.id, status, _ERRORS[status])
            resize_db.fail(context, instance.id, status, _ERRORS[status],
                           ids)
            return None
        if share.size + delta != new_size:
            LOG.info('Ignoring a stale request to resize share instance %s '
                     'to %s GiB; the resize under way is to %s GiB',
                     instance.id, new_size, share.size + delta)
            return None
        return instance, ids

    def extend_share(self, context, share_instance_id, new_size,
                     reservations=None):
        """``reservations`` are those the request made; the ones the
        instance holds are used, which are the same unless the request is
        stale."""
        self._resize(context, share_instance_id, states.EXTENDING, new_size,
                     self.driver.extend_share)

    def shrink_share(self, context, share_instance_id, new_size,
                     reservations=None):
        self._resize(context, share_instance_id, states.SHRINKING, new_size,
                     self.driver.shrink_share)

    def _resize(self, context, share_instance_id, status, new_size,
                driver_resize):
        found = self._resizing(context, share_instance_id, status, new_size)
        if found is None:
            return
        instance, reservations = found
        share = instance.share
        try:
            driver_resize(driver_data.share_dict(instance, share), new_size,
                          share_server=None)
        except Exception as err:
            target, detail = _failure(status, err)
            LOG.error('Share %s was not resized to %s GiB (%s, now %s): %s',
                      share.id, new_size, status, target, err)
            resize_db.fail(context, instance.id, status, target,
                           reservations,
                           message=(share.project_id, share.id,
                                    _ACTIONS[status], detail))
            return
        if resize_db.finish(context, instance.id, status, new_size,
                            reservations):
            LOG.info('Share %s resized to %s GiB', share.id, new_size)
        else:
            resize_db.fail(context, instance.id, status, _ERRORS[status],
                           reservations)
            LOG.warning('Share %s left %s while the driver worked; its size '
                        'stays %s GiB', share.id, status, share.size)

    def recover(self, context):
        """Run again the resizes a previous run left under way; the size
        each was heading for is what its reservation holds."""
        for instance in share_db.instances_on_host(
                context, self.host, list(_ERRORS)):
            share = instance.share
            _ids, delta = resize_db.pending(context, share.project_id,
                                            instance.id)
            new_size = share.size + (delta or 0)
            LOG.info('Resuming %s of share instance %s to %s GiB after '
                     'restart', instance.status, instance.id, new_size)
            resize = (self.extend_share if instance.status ==
                      states.EXTENDING else self.shrink_share)
            resize(context, instance.id, new_size)
