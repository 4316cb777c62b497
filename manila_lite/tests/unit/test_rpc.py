"""How long a cast may reconnect to a lost broker: oslo.messaging's
RabbitMQ driver counts reconnects, so rpc_cast_timeout (seconds) becomes
the number of them that fit."""

import pytest

from manila_lite import conf
from manila_lite import rpc

CONF = conf.CONF


@pytest.fixture
def rabbit_options():
    import oslo_messaging._drivers.impl_rabbit as impl_rabbit
    CONF.register_opts(impl_rabbit.rabbit_opts, group='oslo_messaging_rabbit')
    yield CONF.oslo_messaging_rabbit
    CONF.clear_override('rabbit_retry_interval', 'oslo_messaging_rabbit')
    CONF.clear_override('rabbit_interval_max', 'oslo_messaging_rabbit')


# Defaults: waits of 1 s, then 2 s longer each time, plus the 1 s
# kombu_reconnect_delay: 2, 4, 6, 8 ... seconds.
@pytest.mark.parametrize('seconds,retries', [
    (0, 0), (1, 0), (2, 1), (5, 1), (6, 2), (10, 2), (12, 3), (20, 4)])
def test_retries_that_fit_the_default_waits(rabbit_options, seconds,
                                            retries):
    assert rpc.retries_within(seconds) == retries


def test_waits_stop_growing_at_the_interval_max(rabbit_options):
    CONF.set_override('rabbit_retry_interval', 5, 'oslo_messaging_rabbit')
    CONF.set_override('rabbit_interval_max', 5, 'oslo_messaging_rabbit')
    # 6 s per reconnect (5 + the 1 s reconnect delay), however many.
    assert rpc.retries_within(60) == 10
