"""Access rule views: base fields, then one small step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.db import access_rules as access_db
from manila_lite import states

# What a caller sees of a grantee whose visibility another user locked.
MASK = '******'
# Before 2.28 a rule was new, active or error.
_LEGACY_NEW = 'new'
# 2.88's level change, as versions that cannot change levels see it.
_BEFORE_2_88 = {states.ACCESS_QUEUED_TO_UPDATE: states.ACCESS_QUEUED_TO_APPLY,
                states.ACCESS_UPDATING: states.ACCESS_APPLYING}


def _state(rule, version):
    state = access_db.rule_state(rule)
    if version < Version('2.28'):
        return (_LEGACY_NEW if state in states.ACCESS_RULE_TRANSITIONAL
                else state)
    if version < Version('2.88'):
        return _BEFORE_2_88.get(state, state)
    return state


def _v2_21(d, rule):
    d['access_key'] = rule.access_key


def _v2_33(d, rule):
    d['created_at'] = common.isotime(rule.created_at)
    d['updated_at'] = common.isotime(rule.updated_at)


def _v2_45(d, rule):
    d['metadata'] = rule.metadata_dict


STEPS = [(Version(v), step) for v, step in (
    ('2.21', _v2_21), ('2.33', _v2_33), ('2.45', _v2_45))]


def _base(req, rule, masked=False):
    version = common.version(req)
    d = {'id': rule.id, 'access_level': rule.access_level,
         'access_to': rule.access_to, 'access_type': rule.access_type,
         'state': _state(rule, version)}
    for since, step in STEPS:
        if version >= since:
            step(d, rule)
    if masked:
        # Someone else locked the rule's visibility (2.82 resource locks).
        d['access_to'] = MASK
        if 'access_key' in d:
            d['access_key'] = MASK
    return d


def detail(req, rule, masked=False):
    d = _base(req, rule, masked)
    d['share_id'] = rule.share_id
    return {'access': d}


def summary_list(req, items, *, count=None, next_links=None,
                 masked=frozenset()):
    """``masked``: ids of rules whose grantee the caller may not see."""
    def view(req, rule):
        return _base(req, rule, rule.id in masked)
    return common.collection(req, 'access_list', items, view,
                             count=count, next_links=next_links)
