"""Where the shares named in scheduler hints live, for the hint filters."""

import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models


def hosts_of(context, share_ids):
    """{share_id: 'host@backend#pool' or None} of the shares that exist."""
    if not share_ids:
        return {}
    with db_api.reader.using(context) as session:
        rows = session.execute(
            sa.select(models.ShareInstance.share_id,
                      models.ShareInstance.host)
            .where(models.ShareInstance.share_id.in_(list(share_ids))))
        return dict(rows.all())
