"""Many available shares at once, written straight into the database.

Creating shares through the API or a share manager costs a round trip
per share; the benchmarks need thousands (bench_shares.py's list sizes,
bench_periodic.py's ensure and deferred deletion runs), so they insert
the rows in bulk, as a share manager would have left them: available on
a pool, with export locations and, if asked, active access rules. Quota
usage is not charged. One function makes those rows for every caller, so
the benchmarks measure the same kind of share, and a unit test
(tests/unit/devtools/test_share_rows.py) checks the share manager takes
them as its own.
"""

import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from manila_lite.db import models
from manila_lite import states

CHUNK = 1000


def two_exports(share_id, instance_id, host):
    """A preferred export and an admin-only one, as the fake backend gives
    them."""
    return [{'path': '%s:/shares/share-%s' % (ip, instance_id),
             'is_admin_only': admin, 'preferred': not admin}
            for ip, admin in (('127.0.0.1', False), ('127.0.0.2', True))]


def insert_shares(begin, count, share_type_id, hosts, project='project',
                  user='user', name_prefix='share-', start=0, zone=None,
                  share_fields=None, exports=two_exports, rules_per_share=0,
                  now=None, chunk=CHUNK):
    """Insert ``count`` available shares, ``chunk`` to a transaction;
    return their ids.

    ``begin()`` opens one transaction and gives what executes statements
    in it (``engine.begin``, or ``lambda: db_api.writer.using(ctx)``).
    Shares are numbered from ``start``: share number n is named
    ``name_prefix`` + n, lives on ``hosts[n % len(hosts)]`` and was made
    n seconds before ``now``, so successive calls continue one sequence
    and newest-first lists have a stable order. ``share_fields`` go into
    every share row (capabilities, say). ``exports(share id, instance
    id, host)`` gives each instance's export locations (path,
    is_admin_only, preferred). Each share gets ``rules_per_share`` active
    ip rules.
    """
    now = now or timeutils.utcnow().replace(microsecond=0)
    ids = []
    for offset in range(0, count, chunk):
        shares, instances, locations, rules, mappings = [], [], [], [], []
        for number in range(start + offset,
                            start + min(offset + chunk, count)):
            share_id = uuidutils.generate_uuid()
            instance_id = uuidutils.generate_uuid()
            host = hosts[number % len(hosts)]
            created = now - datetime.timedelta(seconds=number)
            ids.append(share_id)
            shares.append(dict(
                id=share_id, project_id=project, user_id=user,
                display_name='%s%d' % (name_prefix, number),
                display_description=None, size=1, share_proto='NFS',
                is_public=False, created_at=created, **(share_fields or {})))
            instances.append(dict(
                id=instance_id, share_id=share_id, host=host,
                status=states.AVAILABLE, availability_zone=zone,
                share_type_id=share_type_id,
                access_rules_status=states.ACCESS_ACTIVE, progress='100%',
                scheduled_at=created, launched_at=created,
                created_at=created))
            for location in exports(share_id, instance_id, host):
                locations.append(dict(
                    uuid=uuidutils.generate_uuid(),
                    share_instance_id=instance_id, path=location['path'],
                    is_admin_only=location['is_admin_only'],
                    preferred=location['preferred'], created_at=created))
            for r in range(rules_per_share):
                rule_id = uuidutils.generate_uuid()
                rules.append(dict(
                    id=rule_id, share_id=share_id, access_type='ip',
                    access_to='10.%d.%d.%d' % (r, number // 256 % 256,
                                               number % 256),
                    access_level='rw', created_at=created))
                mappings.append(dict(
                    id=uuidutils.generate_uuid(),
                    share_instance_id=instance_id, access_id=rule_id,
                    state=states.ACCESS_ACTIVE, created_at=created))
        with begin() as connection:
            connection.execute(sa.insert(models.Share), shares)
            connection.execute(sa.insert(models.ShareInstance), instances)
            if locations:
                connection.execute(sa.insert(models.ExportLocation),
                                   locations)
            if rules:
                connection.execute(sa.insert(models.ShareAccessRule), rules)
                connection.execute(
                    sa.insert(models.ShareInstanceAccessRule), mappings)
    return ids
