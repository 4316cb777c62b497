"""What the share service's unit tests share besides fixtures: the
backend and project they use, and a scheduler stand-in that takes the
capability reports and drops them (the tests call no RPC)."""

BACKEND = 'unitfake'
PROJECT = 'p1'


class NoScheduler:
    def update_service_capabilities(self, *args, **kwargs):
        pass
