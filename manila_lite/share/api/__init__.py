"""The share service as the API process (and the scheduler) use it.

Everything here runs on the caller's side of the RPC boundary: it checks
a request, writes what it asks for in the database and casts to the
scheduler or a share service; nothing waits for a backend. What runs in
a share service is in ``share/manager``.
"""
