"""Unit tests: one module at a time, no services running."""
