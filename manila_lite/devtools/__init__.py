"""Tools that start and drive real manila-lite deployments from Python.

The functional tests and the benchmarks both use them: a deployment
started from a config directory as an operator would run it
(deployment.py), the database and broker servers it runs on (infra.py),
the local backend's test network (local_network.py), and many share rows
written at once (share_rows.py). They live here rather than under
tests/ so that a benchmark needs none of the test suite (nor pytest) to
run; what only tests want (skipping when a server is missing, pytest's
temporary directories) stays in manila_lite/tests/functional/. No
service of manila-lite imports this package.
"""
