"""The share manager's share group work (share service process).

Its own RPC endpoint, served next to ShareManager on the backend's
``host@backend`` server: it shares only the backend's driver and host
name with the rest of the manager. A create asks the driver to make the
group and settles it ``available`` or ``error``; a delete asks the
driver to remove it, then drops the row (and its quota charge). Status
changes follow states.SHARE_GROUP.
"""

import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from manila_lite import exception
from manila_lite import states
from manila_lite.db import share_groups as group_db

LOG = logging.getLogger(__name__)
# Group fields a driver may set through the dict it returns.
_DRIVER_FIELDS = ('consistent_snapshot_support',)


def share_group_dict(group):
    """The plain share group description drivers receive."""
    return {
        'id': group.id, 'name': group.name,
        'description': group.description, 'status': group.status,
        'project_id': group.project_id, 'user_id': group.user_id,
        'host': group.host, 'availability_zone': group.availability_zone,
        'share_group_type_id': group.share_group_type_id,
        'share_network_id': group.share_network_id,
        'share_server_id': group.share_server_id,
        'source_share_group_snapshot_id':
            group.source_share_group_snapshot_id,
        'share_types': list(group.share_type_ids),
        'created_at': group.created_at,
    }


class ShareGroupManager:
    """RPC endpoint for the share groups of one backend."""

    target = messaging.Target(version='1.0')

    def __init__(self, driver, host):
        self.driver = driver
        self.host = host
        self._busy = set()
        self._busy_lock = threading.Lock()

    def _one_at_a_time(self, group_id, func, *args):
        """Run ``func`` unless work on the group is under way here (a
        request passed on again met the original)."""
        with self._busy_lock:
            if group_id in self._busy:
                LOG.info('Share group %s is being worked on already; '
                         'ignoring the repeated request', group_id)
                return
            self._busy.add(group_id)
        try:
            func(*args)
        finally:
            self._busy.discard(group_id)

    def recover(self, context):
        """Run again the creates and deletes a previous run left."""
        for group in group_db.on_host(context, self.host,
                                      [states.CREATING, states.DELETING]):
            LOG.info('Resuming %s of share group %s after restart',
                     group.status, group.id)
            if group.status == states.CREATING:
                self.create_share_group(context, group.id)
            else:
                self.delete_share_group(context, group.id)

    def _consistent_snapshot_support(self):
        stats = self.driver.get_share_stats()
        return (stats.get('share_group_stats') or {}).get(
            'consistent_snapshot_support')

    # -- RPC methods --------------------------------------------------------

    def create_share_group(self, context, share_group_id):
        self._one_at_a_time(share_group_id, self._create, context,
                            share_group_id)

    def _create(self, context, share_group_id):
        try:
            group = group_db.get(context, share_group_id)
        except exception.ShareGroupNotFound:
            LOG.warning('Share group %s vanished before creation',
                        share_group_id)
            return
        if group.status != states.CREATING:
            LOG.info('Share group %s is %s, no longer creating; ignoring '
                     'the repeated request', share_group_id, group.status)
            return
        try:
            update = self.driver.create_share_group(
                context, share_group_dict(group)) or {}
        except Exception as err:
            LOG.error('Driver failed to create share group %s: %s',
                      share_group_id, err)
            group_db.transition(context, share_group_id, states.ERROR,
                                sources=[states.CREATING])
            return
        values = {'consistent_snapshot_support':
                  self._consistent_snapshot_support()}
        values.update({key: update[key] for key in _DRIVER_FIELDS
                       if key in update})
        if group_db.transition(context, share_group_id, states.AVAILABLE,
                               values=values, sources=[states.CREATING]):
            LOG.info('Share group %s created on %s', share_group_id,
                     self.host)
        else:
            LOG.warning('Share group %s left creating while the driver '
                        'worked; its new status stands', share_group_id)

    def delete_share_group(self, context, share_group_id):
        self._one_at_a_time(share_group_id, self._delete, context,
                            share_group_id)

    def _delete(self, context, share_group_id):
        try:
            group = group_db.get(context, share_group_id)
        except exception.ShareGroupNotFound:
            return
        if group.status != states.DELETING:
            LOG.info('Share group %s is %s, not deleting; ignoring the '
                     'request', share_group_id, group.status)
            return
        try:
            self.driver.delete_share_group(context, share_group_dict(group))
        except Exception as err:
            LOG.error('Driver failed to delete share group %s: %s',
                      share_group_id, err)
            group_db.transition(context, share_group_id,
                                states.ERROR_DELETING,
                                sources=[states.DELETING])
            return
        group_db.destroy(context, share_group_id)
        LOG.info('Share group %s deleted', share_group_id)
