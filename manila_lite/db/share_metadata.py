"""Share metadata: the key/value pairs users attach to their shares.

The queries are those of every metadata table (db/resource_metadata.py).
"""

from manila_lite.db import resource_metadata

_TABLE = resource_metadata.shares

get = _TABLE.get
get_item = _TABLE.get_item
update = _TABLE.update
delete_item = _TABLE.delete_item
