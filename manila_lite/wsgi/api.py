"""``manila_lite.wsgi.api:application`` for an external WSGI server.

The config file comes from MANILA_LITE_CONFIG (default
/etc/manila-lite/manila-lite.conf).
"""

import os

from manila_lite.api import app
from manila_lite.cmd import common

common.parse_args([], default_config_files=[os.environ.get(
    'MANILA_LITE_CONFIG', '/etc/manila-lite/manila-lite.conf')])
application = app.build_app()
