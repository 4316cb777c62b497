"""manila-lite-share: one share manager per enabled backend."""

from manila_lite.cmd import common
from manila_lite import exception
from manila_lite import service
from manila_lite.share import manager


def build():
    conf = common.CONF
    services = []
    for backend in conf.enabled_share_backends:
        share_manager = manager.ShareManager(backend)
        services.append(service.Service(share_manager.host, 'manila-share',
                                        conf.share_topic, share_manager))
    return services


def main():
    common.limit_malloc_arenas()
    common.parse_args(program='manila-lite-share')
    try:
        services = build()
    except exception.ManilaLiteException as err:
        # A backend's configuration refused by its driver.
        common.exit_failed('manila-lite-share cannot start', err)
    # Any backend that cannot start ends the process (exit 1, the reason
    # on stderr), as manila-lite-all does: a service manager restarts it,
    # and a backend that must not take others down gets a share service
    # (its own [DEFAULT] host or config) of its own.
    common.start_services(services, 'manila-lite-share')
    common.wait_for_signal(services)
