"""One meaning for a share type's boolean extra specs, whoever reads them:
the API (validation, the capabilities a share gets, DHSS), the scheduler
(``<is>`` and bare booleans against pool capabilities) and the share
manager (the mode of a share being managed) all go through
``share.extra_specs``."""

import types

import pytest

from manila_lite.scheduler import filters
from manila_lite.share.api import create_options
from manila_lite.share import extra_specs

TRUE = ['True', 'true', 'TRUE', ' True ', '1', 't', 'T', 'yes', 'Yes', 'y',
        'on', 'ON', '<is> True', '<is>true', '<IS>  yes', '<is> 1', True]
FALSE = ['False', 'false', '0', 'f', 'no', 'n', 'off', 'OFF',
         '<is> False', '<is> no', False]
NEITHER = ['', 'maybe', '2', 'truth', '<is>', '<is> maybe', 'True False',
           None]


@pytest.mark.parametrize('value', TRUE)
def test_true_spellings(value):
    assert extra_specs.as_bool(value) is True
    assert extra_specs.is_true(value)
    # Valid as the value of any boolean spec of a type.
    assert extra_specs.validate(
        {extra_specs.DHSS: value, 'snapshot_support': value})
    # What a share of the type promises.
    assert extra_specs.share_capabilities({'snapshot_support': value})[
        'snapshot_support'] is True
    # The scheduler: a pool reporting True satisfies it, False does not.
    specs = filters.scheduling_extra_specs(
        {'share_type': {'extra_specs': {'snapshot_support': value}}})
    assert filters.capabilities_satisfied({'snapshot_support': True}, specs)
    assert not filters.capabilities_satisfied({'snapshot_support': False},
                                              specs)


@pytest.mark.parametrize('value', FALSE)
def test_false_spellings(value):
    assert extra_specs.as_bool(value) is False
    assert not extra_specs.is_true(value)
    assert extra_specs.validate({extra_specs.DHSS: value})
    specs = filters.scheduling_extra_specs(
        {'share_type': {'extra_specs': {'snapshot_support': value}}})
    assert filters.capabilities_satisfied({'snapshot_support': False},
                                          specs)
    assert not filters.capabilities_satisfied({'snapshot_support': True},
                                              specs)


@pytest.mark.parametrize('value', NEITHER)
def test_what_is_not_a_boolean(value):
    assert extra_specs.as_bool(value) is None
    # Unset or unreadable counts as false wherever a decision is needed.
    assert not extra_specs.is_true(value)
    if value is not None:
        with pytest.raises(Exception) as err:
            extra_specs.validate({extra_specs.DHSS: value})
        assert 'Invalid extra_spec' in str(err.value)


def test_every_capability_a_share_gets_is_a_boolean_spec():
    assert set(extra_specs.SHARE_CAPABILITIES) <= set(extra_specs.BOOLEAN)
    assert extra_specs.share_capabilities({}) == {
        key: False for key in extra_specs.SHARE_CAPABILITIES}


@pytest.mark.parametrize('value', ['yes', 'on', '<is> True', 'true'])
def test_the_share_api_reads_a_spec_the_same_way(value):
    """mount_point_name_support=yes allows a mount point name as True
    does (the share API once took only 'true' and '1')."""
    context = types.SimpleNamespace(project_id='p1')
    assert create_options.mount_point_name(
        context, 'data', {'mount_point_name_support': value}) == 'p1data'
