"""Access rules as the API sees them: check, queue, cast to the backend.

Allowing, denying or changing a rule writes the queued state of the rule
on every instance of its share (db.access_rules, one transaction with
the instance rows locked, so duplicates cannot slip in side by side),
then casts ``update_access`` to each instance's share service, which
applies whatever is queued by then.
"""

import functools
import ipaddress
import string

from oslo_log import log as logging

from manila_lite.db import access_rules as access_db
from manila_lite import exception
from manila_lite.share import rpcapi as share_rpcapi

LOG = logging.getLogger(__name__)

ACCESS_LEVELS = ('rw', 'ro')
# access type -> first microversion accepting it.
ACCESS_TYPES = {'ip': '2.0', 'user': '2.0', 'cert': '2.0', 'cephx': '2.13'}
_USER_FORBIDDEN = set('"/\\[]:;|=,+*?<>')


def validate_access(access_type, access_to, cephx=True, ipv6=True):
    """Raise InvalidInput unless ``access_to`` suits ``access_type``.

    The rules are those python-manilaclient checks before sending, so
    whatever a client sends passes and nothing else does.
    """
    allowed = [t for t in ACCESS_TYPES if cephx or t != 'cephx']
    if access_type not in allowed:
        raise exception.InvalidInput(
            reason='Only the %s access types are supported.'
                   % ', '.join(repr(t) for t in allowed))
    if not isinstance(access_to, str):
        raise exception.InvalidInput(reason='access_to must be a string.')
    if access_type == 'ip':
        try:
            network = ipaddress.ip_network(access_to)
        except ValueError as err:
            raise exception.InvalidInput(reason=str(err))
        if network.version == 6 and not ipv6:
            raise exception.InvalidInput(
                reason='IPv6 addresses are accepted from API version 2.38 '
                       'on; %s is one.' % access_to)
    elif access_type == 'user':
        if not 4 <= len(access_to) <= 255 or \
                set(access_to) & _USER_FORBIDDEN or \
                not access_to.strip(' .'):
            raise exception.InvalidInput(
                reason='Invalid user or group name %r: it must be 4-255 '
                       'characters, not only periods or spaces, without '
                       'any of "/\\[]:;|=,+*?<>.' % access_to)
    elif access_type == 'cert':
        if not 1 <= len(access_to.strip()) <= 64:
            raise exception.InvalidInput(
                reason='Invalid certificate common name (CN): it must be '
                       '1-64 characters long.')
    else:
        if not access_to.strip():
            raise exception.InvalidInput(reason='Ceph IDs may not be empty.')
        if not set(access_to) <= set(string.printable):
            raise exception.InvalidInput(
                reason='Ceph IDs must consist of ASCII printable characters.')
        if '.' in access_to:
            raise exception.InvalidInput(
                reason='Ceph IDs may not contain periods (give "alice", '
                       'not "client.alice").')


def validate_level(access_level):
    if access_level not in ACCESS_LEVELS:
        raise exception.InvalidShareAccess(
            reason='invalid share access level: %s (use %s).'
                   % (access_level, ' or '.join(ACCESS_LEVELS)))


class AccessAPI:
    def __init__(self):
        self.share_rpc = share_rpcapi.ShareAPI()

    def _cast(self, context, share):
        instance = share.instance
        self.share_rpc.update_access(context, instance.host, instance.id)

    def allow(self, context, share, access_type, access_to,
              access_level=None, metadata=None, locks=()):
        """Queue a new rule; returns it (state queued_to_apply). ``locks``:
        resource lock rows placed on it at once (access_db.create)."""
        access_level = access_level or 'rw'
        validate_level(access_level)
        rule = access_db.create(context, share.id, access_type,
                                access_to.strip() if access_type == 'cert'
                                else access_to, access_level, metadata,
                                locks)
        LOG.info('Access %s:%s (%s) to share %s queued as rule %s',
                 access_type, access_to, access_level, share.id, rule.id)
        self._cast(context, share)
        return rule

    def deny(self, context, share, rule, drop_locks=()):
        """Queue the rule's removal; ``drop_locks`` are lock ids lifted
        with it (deny_access with unrestrict)."""
        if access_db.queue_deny(context, share.id, rule.id, drop_locks):
            LOG.info('Rule %s of share %s queued for removal', rule.id,
                     share.id)
        self._cast(context, share)

    def update_level(self, context, share, rule, access_level):
        """Change an active rule's level (2.88); returns the rule."""
        validate_level(access_level)
        if rule.access_level != access_level:
            access_db.queue_level_update(context, share.id, rule.id,
                                         access_level)
            self._cast(context, share)
        return access_db.get(context, rule.id)


@functools.cache
def get():
    """The access rule API of this process, made on first use (it opens RPC
    clients)."""
    return AccessAPI()
