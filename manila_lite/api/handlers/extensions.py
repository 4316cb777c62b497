"""API extensions: none.

Manila still answers ``GET /v2/extensions`` with the extensions it loads
(name, alias, description, updated, links each); every former extension
is part of the core API now and it loads none by default, so the list is
empty. An alias is therefore never found. Any authenticated caller may
ask: Manila checks no policy here.
"""

from manila_lite import exception

# alias -> {'name', 'alias', 'description', 'updated', 'links'}
EXTENSIONS = {}


def index(req):
    return {'extensions': sorted(EXTENSIONS.values(),
                                 key=lambda ext: ext['alias'])}


def show(req, alias):
    if alias not in EXTENSIONS:
        raise exception.NotFound('Extension %s could not be found.' % alias)
    return {'extension': EXTENSIONS[alias]}
