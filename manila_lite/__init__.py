"""manila-lite: a lean Shared File Systems service speaking the Manila API v2."""
