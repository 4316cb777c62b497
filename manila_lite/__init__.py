"""manila-lite: a lean Shared File Systems service speaking the Manila API v2.

oslo.service (imported by oslo.messaging) is switched to its threading
backend before anything else loads it, so no process imports eventlet.

eventlet is also marked unavailable, unless something already imported
it: futurist and oslo.utils import it whenever it is installed (oslo.service
depends on it), which costs every process about 20 MB of RSS and a fifth of
a second of start-up for a library nothing here runs on; without it they
take their plain threading paths, the ones manila-lite uses anyway.
"""

import sys

if 'eventlet' not in sys.modules:
    sys.modules['eventlet'] = None

from oslo_service import backend as _service_backend  # noqa: E402

try:
    _service_backend.init_backend(_service_backend.BackendType.THREADING)
except _service_backend.exceptions.BackendAlreadySelected:
    pass
