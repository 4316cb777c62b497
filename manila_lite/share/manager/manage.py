"""Share manager: adopting backend shares (manage) and forgetting them
(unmanage).

A managed share is found by the export path the administrator gave; the
driver reports its size and export locations, and the share becomes
``available`` with its quota charged in the same transaction
(db.share_manage). Unmanaging removes the share row and gives
its quota back without deleting any data.

After a restart, an unmanage left under way is run again (drivers forget
a share they no longer manage without complaint); a manage is not, since
the driver options it was given are gone: it ends in ``manage_error``,
from which the administrator unmanages and manages again.
"""

import math

from oslo_log import log as logging

from manila_lite.db import share_manage as manage_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share import driver_data
from manila_lite.share import extra_specs
from manila_lite.share.manager import backend
from manila_lite import states

LOG = logging.getLogger(__name__)

_UNMANAGING = (states.UNMANAGE_STARTING,
               states.MANAGE_ERROR_UNMANAGE_STARTING)


class Manage(backend.Part):
    """manage_share and unmanage_share RPC methods."""

    def _instance_in(self, context, share_instance_id, statuses):
        try:
            instance = share_db.instance_get(context, share_instance_id)
        except exception.ShareInstanceNotFound:
            LOG.warning('Share instance %s vanished', share_instance_id)
            return None
        if instance.status not in statuses:
            LOG.info('Share instance %s is %s; ignoring the request',
                     share_instance_id, instance.status)
            return None
        return instance

    def _check_manage_mode(self, context, instance):
        share_type = type_db.get(context, instance.share_type_id,
                                 check_access=False)
        if extra_specs.is_true(share_type.specs.get(extra_specs.DHSS)) != \
                bool(self.driver.driver_handles_share_servers):
            raise exception.InvalidShare(
                reason='Driver mode of share %s being managed is '
                       'incompatible with mode DHSS=%s configured for this '
                       'backend.' % (instance.share_id,
                                     self.driver.driver_handles_share_servers))

    def manage_share(self, context, share_instance_id, driver_options=None):
        instance = self._instance_in(context, share_instance_id,
                                     (states.MANAGE_STARTING,))
        if instance is None:
            return
        try:
            self._check_manage_mode(context, instance)
            update = self.driver.manage_existing(
                driver_data.share_dict(instance, instance.share),
                driver_options or {}) or {}
            if not update.get('size'):
                raise exception.ManageInvalidShare(
                    reason='Driver cannot calculate share size.')
            size = int(math.ceil(float(update['size'])))
        except Exception as err:
            LOG.error('Share %s could not be managed on %s: %s',
                      instance.share_id, instance.host, err)
            manage_db.fail(context, share_instance_id)
            return
        locations = driver_data.normalize_export_locations(
            update.get('export_locations'))
        zone = self.backend.availability_zone
        if manage_db.finish(context, share_instance_id, size, locations,
                            {'availability_zone': zone}):
            LOG.info('Share %s managed on %s: %s GiB', instance.share_id,
                     instance.host, size)
        else:
            LOG.warning('Share instance %s left manage_starting while the '
                        'driver worked; its new status stands',
                        share_instance_id)

    def unmanage_share(self, context, share_instance_id):
        instance = self._instance_in(context, share_instance_id, _UNMANAGING)
        if instance is None:
            return
        try:
            self.driver.unmanage(
                driver_data.share_dict(instance, instance.share))
        except Exception as err:
            LOG.error('Share %s could not be unmanaged: %s',
                      instance.share_id, err)
            share_db.transition(context, share_instance_id,
                                states.UNMANAGE_ERROR, sources=_UNMANAGING)
            return
        share_db.destroy(context, instance.share_id)
        LOG.info('Share %s unmanaged', instance.share_id)

    def recover(self, context):
        for instance in share_db.instances_on_host(
                context, self.host,
                [states.MANAGE_STARTING] + list(_UNMANAGING)):
            if instance.status == states.MANAGE_STARTING:
                LOG.warning('Share instance %s was left manage_starting; '
                            'marking it manage_error', instance.id)
                manage_db.fail(context, instance.id)
            else:
                LOG.info('Resuming unmanage of share instance %s after '
                         'restart', instance.id)
                self.unmanage_share(context, instance.id)
