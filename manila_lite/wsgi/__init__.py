"""WSGI entry points for uwsgi, mod_wsgi or any WSGI server."""
