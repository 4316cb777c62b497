"""The share manager's share group work (share service process).

Its own RPC endpoint on the backend's ``host@backend`` server: it needs
no other part of the manager. A create asks the driver to make the
group and settles it ``available`` or ``error``; a delete asks the
driver to remove it, then drops the row (and its quota charge). Status
changes follow states.SHARE_GROUP.
"""

from oslo_log import log as logging

from manila_lite.db import share_groups as group_db
from manila_lite import exception
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)
# Group fields a driver may set through the dict it returns.
_DRIVER_FIELDS = ('consistent_snapshot_support',)


# Operation name of the guard.
WORK = 'work on share group'


class ShareGroups(backend.Part):
    """create_share_group and delete_share_group RPC methods."""

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
        self.backend.guard.run(WORK, share_group_id, self._create, context,
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
                context, driver_data.share_group_dict(group)) or {}
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
        self.backend.guard.run(WORK, share_group_id, self._delete, context,
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
            self.driver.delete_share_group(
                context, driver_data.share_group_dict(group))
        except Exception as err:
            LOG.error('Driver failed to delete share group %s: %s',
                      share_group_id, err)
            group_db.transition(context, share_group_id,
                                states.ERROR_DELETING,
                                sources=[states.DELETING])
            return
        group_db.destroy(context, share_group_id)
        LOG.info('Share group %s deleted', share_group_id)
