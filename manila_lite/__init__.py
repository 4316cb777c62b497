"""manila-lite: a lean Shared File Systems service speaking the Manila API v2.

oslo.service (imported by oslo.messaging) is switched to its threading
backend before anything else loads it, so no process imports eventlet.
"""

from oslo_service import backend as _service_backend

try:
    _service_backend.init_backend(_service_backend.BackendType.THREADING)
except _service_backend.exceptions.BackendAlreadySelected:
    pass
