"""``manila_lite.wsgi.api:application`` for a WSGI server.

``manila-lite-api`` serves it under gunicorn and passes its own command
line in MANILA_LITE_API_ARGS (JSON); under uwsgi or mod_wsgi the config
file comes from MANILA_LITE_CONFIG (default
/etc/manila-lite/manila-lite.conf).
"""

import json
import os

from manila_lite.cmd import common

# Before the server starts its request threads.
common.limit_malloc_arenas()
if common.API_ARGS_ENV in os.environ:
    common.parse_args(json.loads(os.environ[common.API_ARGS_ENV]),
                      program=common.API_PROGRAM)
else:
    common.parse_args([], default_config_files=[os.environ.get(
        'MANILA_LITE_CONFIG', '/etc/manila-lite/manila-lite.conf')],
        program=common.API_PROGRAM)

from manila_lite.api import app  # noqa: E402  (needs the parsed config)

application = app.build_app()
