"""Tests against real services: databases, message queues, the API."""
