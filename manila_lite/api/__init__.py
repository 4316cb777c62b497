"""The REST API: Manila's v2 wire protocol on webob."""
