"""Memoised controller signatures for pecan.

pecan inspects the controller's signature twice per request (routing,
then invocation), and its ``getargspec`` builds a new namedtuple class
on every call: a tenth of a millisecond of CPU per request for an answer
that cannot change while the process runs (controllers are fixed
functions). ``install`` wraps pecan's inspection with a per-function
cache; what pecan does with the answer is unchanged.
"""

import functools

import pecan.util

_installed = False


def install():
    global _installed
    if _installed:
        return
    original = getattr(pecan.util, '_getargspec', None)
    if original is None:
        # A pecan that no longer has this helper: run it as it is.
        return

    @functools.lru_cache(maxsize=512)
    def _cached(func):
        return original(func)

    def getargspec(func):
        # Bound methods are new objects per attribute access; their
        # argspec is their function's (self included either way).
        target = getattr(func, '__func__', func)
        try:
            return _cached(target)
        except TypeError:  # unhashable callable: inspect it afresh
            return original(func)

    pecan.util._getargspec = getargspec
    _installed = True
