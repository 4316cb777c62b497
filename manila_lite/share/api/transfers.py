"""Share transfers (2.77) as the API process runs them.

A project offers one of its shares; the answer carries an auth key, shown
once, that the receiving project gives back to accept. Only a salted
HMAC of the key is stored. Accepting is one database transaction (see
db.share_transfers); nothing on the backend changes, so no share service
is involved, except to remove the access rules when the new owner asks
for that.
"""

import datetime
import hashlib
import hmac
import secrets

from oslo_log import log as logging
from oslo_utils import timeutils

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import share_transfers as transfer_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import access as access_api
from manila_lite.share.api import recycle_bin

CONF = conf.CONF
LOG = logging.getLogger(__name__)
SALT_LENGTH = 16


def _crypt_hash(salt, auth_key):
    return hmac.new(salt.encode('utf-8'), auth_key.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def _random_hex(length):
    return secrets.token_hex((length + 1) // 2)[:length]


def check_transferable(share):
    """400 (403 in the recycle bin) for a share that cannot be offered."""
    recycle_bin.check_not_soft_deleted(share, 'be transferred')
    if share.share_network_id:
        raise exception.InvalidShare(
            reason='Shares exported over share networks cannot be '
                   'transferred.')


def create(context, share, name):
    """Offer ``share``; returns (transfer, auth key)."""
    check_transferable(share)
    auth_key = _random_hex(CONF.share_transfer_key_length)
    salt = _random_hex(SALT_LENGTH)
    transfer = transfer_db.create(context, share, {
        'display_name': name, 'salt': salt,
        'crypt_hash': _crypt_hash(salt, auth_key),
        'expires_at': timeutils.utcnow() + datetime.timedelta(
            seconds=CONF.transfer_retention_time)})
    LOG.info('Share %s offered for transfer %s by %s', share.id,
             transfer.id, context.user_id)
    return transfer, auth_key


def delete(context, transfer):
    transfer_db.destroy(context, transfer)
    LOG.info('Transfer %s of share %s deleted by %s', transfer.id,
             transfer.resource_id, context.user_id)


def accept(context, transfer_id, auth_key, clear_access_rules=False):
    """Take the share of a transfer into the caller's project.

    An unknown transfer is 400 here, not 404, as Manila answers it.
    """
    try:
        transfer = transfer_db.get(context, transfer_id, visible_only=False)
    except exception.TransferNotFound as err:
        raise exception.InvalidInput(reason=err.msg)
    if not hmac.compare_digest(_crypt_hash(transfer.salt, auth_key),
                               transfer.crypt_hash):
        raise exception.InvalidAuthKey(
            reason='Attempt to accept transfer %s with an invalid auth '
                   'key.' % transfer_id)
    share = share_db.get(context.elevated(), transfer.resource_id,
                         with_export_locations=False)
    try:
        type_db.get(context, share.share_type_id)
    except exception.ShareTypeNotFound:
        raise exception.InvalidShare(
            reason='Share type of share %s is not public, and project %s '
                   'has no access to it.' % (share.id, context.project_id))
    try:
        transfer_db.accept(context, transfer_id, transfer.crypt_hash,
                           context.project_id, context.user_id)
    except exception.TransferNotFound as err:
        raise exception.InvalidInput(reason=err.msg)
    LOG.info('Share %s transferred from project %s to %s (transfer %s)',
             share.id, share.project_id, context.project_id, transfer_id)
    if clear_access_rules:
        _clear_access_rules(context, share.id)


def _clear_access_rules(context, share_id):
    """Queue the removal of every rule the old owner granted."""
    share = share_db.get(context, share_id, with_export_locations=False)
    access = access_api.AccessAPI()
    for rule in access_db.get_all_for_share(context, share_id):
        access.deny(context, share, rule)


def expire(context):
    """Delete transfers nobody accepted in time (periodic task)."""
    expired = transfer_db.expire(context)
    if expired:
        LOG.info('Deleted %d expired share transfers', expired)
    return expired
