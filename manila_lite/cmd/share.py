"""manila-lite-share: one share manager per enabled backend."""

from manila_lite.cmd import common
from manila_lite.share import manager
from manila_lite import service


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
    services = build()
    for svc in services:
        svc.start()
    common.wait_for_signal(services)
