"""manila-lite-scheduler: places new shares on backend pools."""

from manila_lite.cmd import common
from manila_lite.scheduler import manager
from manila_lite import service


def build():
    conf = common.CONF
    return service.Service(conf.host, 'manila-scheduler',
                           conf.scheduler_topic, manager.SchedulerManager())


def main():
    common.limit_malloc_arenas()
    common.parse_args(program='manila-lite-scheduler')
    scheduler = build()
    scheduler.start()
    common.wait_for_signal([scheduler])
