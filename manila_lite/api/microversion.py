"""Microversions: the one place that parses, checks and echoes them."""

import re

from oslo_utils import strutils

from manila_lite import exception

HEADER = 'X-OpenStack-Manila-API-Version'
EXPERIMENTAL_HEADER = 'X-OpenStack-Manila-API-Experimental'
MIN_VERSION = '2.0'
# Highest microversion whose changes every served resource honours.
MAX_VERSION = '2.100'

_PATTERN = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


class Version(tuple):
    """(major, minor), comparable; str() gives '2.15'."""

    def __new__(cls, text):
        match = _PATTERN.match(text.strip())
        if not match:
            raise exception.InvalidInput(
                reason='API version string %s is not valid: it must be '
                       'MAJOR.MINOR, for example 2.1.' % text)
        return super().__new__(cls, (int(match.group(1)),
                                     int(match.group(2))))

    def __str__(self):
        return '%d.%d' % self

    def matches(self, low, high=None):
        return Version(low) <= self and (high is None or
                                         self <= Version(high))


MIN = Version(MIN_VERSION)
MAX = Version(MAX_VERSION)


class NotAcceptable(exception.ManilaLiteException):
    code = 406
    message = ('Version %(version)s is not supported by the API. Minimum is '
               '%(min)s and maximum is %(max)s.')


def negotiate(headers):
    """Version a request asks for; 2.0 when it names none."""
    text = headers.get(HEADER)
    if not text:
        return MIN
    if text.strip().lower() == 'latest':
        return MAX
    version = Version(text)
    if not MIN <= version <= MAX:
        raise NotAcceptable(version=text, min=MIN_VERSION, max=MAX_VERSION)
    return version


def experimental(headers):
    """Whether a request opts in to experimental APIs (Manila reads the
    header leniently: anything but a true-ish word is false)."""
    return strutils.bool_from_string(headers.get(EXPERIMENTAL_HEADER))


def add_headers(response, version, is_experimental=False):
    response.headers[HEADER] = str(version)
    if is_experimental:
        # Echoed as Manila does.
        response.headers[EXPERIMENTAL_HEADER] = 'True'
    response.headers['Vary'] = HEADER
