"""Share migration: only its progress query (2.98+) is served.

Migrating shares is not offered, so no share is ever being migrated; the
progress of any share is answered as Manila answers it for a share that
is not migrating: 400 "There is no migration being performed".
"""

from manila_lite.api import common
from manila_lite.db import shares as share_db
from manila_lite import exception

MIN_VERSION = '2.98'


def progress(req, share_id):
    common.require_version(req, MIN_VERSION)
    ctx = common.context(req)
    share = share_db.get(ctx, share_id)
    if not common.allowed(req, 'share:get',
                          {'project_id': share.project_id}):
        raise exception.ShareNotFound(share_id=share_id)
    common.authorize(req, 'share:migration_get_progress',
                     {'project_id': share.project_id})
    raise exception.InvalidShare(
        reason='There is no migration being performed for share %s.'
               % share.id)
