"""The scheduler manager's view of share services as they come and go."""

import datetime

from oslo_utils import timeutils

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.scheduler import manager
from manila_lite import states

CONF = conf.CONF

CAPABILITIES = {
    'share_backend_name': 'late', 'driver_handles_share_servers': False,
    'storage_protocol': 'NFS_CIFS',
    'pools': [{'pool_name': 'p0', 'total_capacity_gb': 100,
               'free_capacity_gb': 100}],
}


def test_share_service_registered_after_scheduler_start(clean_database):
    ctx = ml_context.get_admin_context()
    scheduler = manager.SchedulerManager()
    scheduler.init_host(ctx)  # no share service registered yet
    service_db.register(ctx, 'node@late', 'manila-share', 'manila-share',
                        'nova')
    scheduler.update_service_capabilities(ctx, 'node@late', CAPABILITIES,
                                          'nova')
    share_type = type_db.create(ctx, 't', {
        'driver_handles_share_servers': 'False'})
    share = share_db.create(
        ctx, dict(project_id='p', user_id='u', size=1, share_proto='NFS'),
        dict(status=states.CREATING, share_type_id=share_type.id))
    scheduler.share_rpc = _Recorder()
    scheduler.create_share_instance(ctx, share.instance.id, {
        'share_id': share.id, 'project_id': 'p', 'size': 1,
        'share_proto': 'NFS', 'availability_zone': None,
        'snapshot_id': None, 'share_type': {
            'id': share_type.id, 'name': 't',
            'extra_specs': share_type.specs}})
    placed = share_db.get(ctx, share.id)
    assert placed.host == 'node@late#p0'
    assert placed.status == states.CREATING
    assert scheduler.share_rpc.casts == [('node@late',
                                          share.instance.id)]


class _Recorder:
    """Stands in for the share service RPC client: records the casts."""

    def __init__(self):
        self.casts = []
        self.capability_requests = 0

    def request_capabilities(self, context):
        self.capability_requests += 1

    def create_share_instance(self, context, host, share_instance_id):
        self.casts.append((host, share_instance_id))


def test_start_asks_share_services_for_their_pools(clean_database):
    scheduler = manager.SchedulerManager()
    scheduler.share_rpc = _Recorder()
    scheduler.after_start(ml_context.get_admin_context())
    assert scheduler.share_rpc.capability_requests == 1


def test_unplaced_share_past_the_timeout_is_scheduled_again(
        clean_database):
    """The API's cast was lost (broker restart): the periodic task
    places what has waited longer than stalled_request_timeout, once."""
    ctx = ml_context.get_admin_context()
    service_db.register(ctx, 'node@late', 'manila-share', 'manila-share',
                        'nova')
    scheduler = manager.SchedulerManager()
    scheduler.init_host(ctx)
    scheduler.update_service_capabilities(ctx, 'node@late', CAPABILITIES,
                                          'nova')
    scheduler.share_rpc = _Recorder()
    share_type = type_db.create(ctx, 't', {
        'driver_handles_share_servers': 'False'})

    def unplaced(seconds_ago):
        return share_db.create(
            ctx, dict(project_id='p', user_id='u', size=1,
                      share_proto='NFS'),
            dict(status=states.CREATING, share_type_id=share_type.id,
                 created_at=timeutils.utcnow() - datetime.timedelta(
                     seconds=seconds_ago)))
    lost, recent = unplaced(120), unplaced(5)
    CONF.set_override('stalled_request_timeout', 60)
    try:
        scheduler.run_periodic_tasks(ctx)
        scheduler.run_periodic_tasks(ctx)
    finally:
        CONF.clear_override('stalled_request_timeout')

    assert share_db.get(ctx, lost.id).host == 'node@late#p0'
    assert share_db.get(ctx, recent.id).host is None
    assert scheduler.share_rpc.casts == [('node@late', lost.instance.id)]


def test_only_creating_shares_older_than_the_timeout_are_rescheduled(
        clean_database):
    """A hostless share no longer creating (the scheduler gave up: error)
    stays where it is, and one exactly stalled_request_timeout old has
    not yet waited longer than the timeout."""
    ctx = ml_context.get_admin_context()
    now = timeutils.utcnow()
    timeutils.set_time_override(now)
    try:
        service_db.register(ctx, 'node@late', 'manila-share',
                            'manila-share', 'nova')
        scheduler = manager.SchedulerManager()
        scheduler.init_host(ctx)
        scheduler.update_service_capabilities(ctx, 'node@late',
                                              CAPABILITIES, 'nova')
        scheduler.share_rpc = _Recorder()
        share_type = type_db.create(ctx, 't', {
            'driver_handles_share_servers': 'False'})

        def unplaced(seconds_ago, status=states.CREATING):
            return share_db.create(
                ctx, dict(project_id='p', user_id='u', size=1,
                          share_proto='NFS'),
                dict(status=status, share_type_id=share_type.id,
                     created_at=now - datetime.timedelta(
                         seconds=seconds_ago)))
        lost = unplaced(61)
        on_the_boundary = unplaced(60)
        failed = unplaced(120, status=states.ERROR)
        CONF.set_override('stalled_request_timeout', 60)
        try:
            scheduler.run_periodic_tasks(ctx)
        finally:
            CONF.clear_override('stalled_request_timeout')
    finally:
        timeutils.clear_time_override()

    assert scheduler.share_rpc.casts == [('node@late', lost.instance.id)]
    assert share_db.get(ctx, on_the_boundary.id).host is None
    failed = share_db.get(ctx, failed.id)
    assert (failed.host, failed.status) == (None, states.ERROR)
