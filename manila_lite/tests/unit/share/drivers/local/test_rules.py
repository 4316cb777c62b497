"""The local driver's translation of access rules, without any server.

What Ganesha CLIENT blocks and Samba share parameters a rule set becomes,
and which rule sets are refused; the wire behaviour is in the functional
tests (test_local_driver*.py).
"""

import pytest

from manila_lite.conf import opts
from manila_lite import exception
from manila_lite.share.drivers.local import driver
from manila_lite.share.drivers.local import ganesha
from manila_lite.share.drivers.local import samba


def rule(to, level='rw', access_type='ip'):
    return {'access_type': access_type, 'access_to': to,
            'access_level': level}


def test_client_blocks_put_the_most_specific_network_first():
    text = ganesha.client_blocks([rule('10.0.0.0/8', 'ro'),
                                  rule('10.1.2.3/32'), rule('10.1.0.0/16')])
    assert [line.strip() for line in text.splitlines()
            if 'Clients' in line or 'Access_Type' in line] == [
        'Clients = 10.1.2.3;', 'Access_Type = RW;',
        'Clients = 10.1.0.0/16;', 'Access_Type = RW;',
        'Clients = 10.0.0.0/8;', 'Access_Type = RO;']
    assert ganesha.client_blocks([]) == ''


@pytest.mark.parametrize('bad', [rule('alice', 'rw', 'user'),
                                 rule('10.0.0.300'), rule('10.0.0.1', 'rx'),
                                 rule('host.example.com', 'rw', 'cert')])
def test_nfs_takes_only_valid_ip_rules(bad):
    with pytest.raises(exception.InvalidShareAccess):
        ganesha.check_nfs_rules([rule('10.0.0.1'), bad])


@pytest.mark.parametrize('rules', [
    [rule('10.0.0.1'), rule('10.0.0.2', 'ro')],
    [rule('10.0.0.1', 'ro'), rule('alice', 'rw', 'user')],
    [rule('bad name', 'rw', 'user')],
    [rule('client.example.com', 'ro', 'cert')],
])
def test_cifs_refuses_what_samba_cannot_express(rules):
    with pytest.raises(exception.InvalidShareAccess):
        samba.check_cifs_rules(rules)


@pytest.mark.parametrize('rules', [
    [], [rule('10.0.0.0/24', 'ro'), rule('10.1.0.1', 'ro')],
    [rule('10.0.0.1'), rule('alice', 'ro', 'user'), rule('bob', 'rw', 'user')],
    [rule('10.0.0.1', 'ro'), rule('DOM\\carol', 'ro', 'user')],
])
def test_cifs_accepts_expressible_rule_sets(rules):
    samba.check_cifs_rules(rules)


def test_a_cifs_share_without_rules_lets_nobody_in():
    params = samba.share_parameters('/x', 'c', [])
    assert params['hosts deny'] == 'ALL'
    assert 'hosts allow' not in params


def test_cifs_ip_rules_become_hosts_allow_for_guests():
    params = samba.share_parameters('/x', 'c', [rule('10.0.0.2', 'ro'),
                                                rule('10.0.0.1', 'ro')])
    assert (params['hosts deny'], params['hosts allow'],
            params['read only'], params['guest ok']) == (
        'ALL', '10.0.0.1 10.0.0.2', 'yes', 'yes')
    assert 'valid users' not in params


def test_cifs_user_rules_become_valid_users_and_read_list():
    params = samba.share_parameters('/x', 'c', [
        rule('bob', 'ro', 'user'), rule('alice', 'rw', 'user')])
    assert 'hosts deny' not in params  # any address, these users
    assert (params['valid users'], params['read list'],
            params['read only'], params['guest ok']) == (
        'alice bob', 'bob', 'no', 'no')
    both = samba.share_parameters('/x', 'c', [rule('10.0.0.1'),
                                              rule('alice', 'rw', 'user')])
    assert (both['hosts allow'], both['valid users']) == (
        '10.0.0.1', 'alice')


@pytest.mark.parametrize('path,name', [
    ('10.0.0.1:/var/lib/x/exports/share-1', 'share-1'),
    ('\\\\10.0.0.1\\share-2', 'share-2'),
    ('[2001:db8::1]:/srv/share-3/', 'share-3'),
    ('share-4', 'share-4'),
])
def test_manage_finds_the_subvolume_named_by_the_export_path(path, name):
    assert driver._last_component(path) == name


def test_options_are_in_the_sample_config():
    backend = dict(opts.list_opts())['backend']
    names = {opt.dest for opt in backend}
    assert {'local_btrfs_loop_file', 'local_daemon_netns',
            'local_nfs_versions', 'local_manage_daemons'} <= names
    assert all(opt.help for opt in driver.driver_opts)


def _driver(**overrides):
    from oslo_config import cfg

    from manila_lite.conf import backend as backend_conf
    conf = cfg.ConfigOpts()
    backend_conf.register_backend(conf, 'local', driver.driver_opts)
    conf([], project='manila-lite-test', default_config_files=[])
    conf.set_override('local_state_dir', '/nonexistent/state', group='local')
    for name, value in overrides.items():
        conf.set_override(name, value, group='local')
    return driver.LocalShareDriver(False, configuration=conf.local,
                                   backend_name='local')


@pytest.mark.parametrize('overrides', [
    {'local_share_protocols': ['NFS', '9P']},
    {'local_nfs_versions': ['5']},
])
def test_a_misconfigured_backend_refuses_to_start(overrides):
    with pytest.raises(exception.InvalidDriverError):
        _driver(**overrides)


def test_protocols_and_pool_come_from_the_options():
    drv = _driver(local_share_protocols=['cifs'], local_pool_name='fast')
    assert (drv.storage_protocol, drv.get_pool({}), drv.nfs) == (
        'CIFS', 'fast', None)
    assert drv.pool.mount_point == '/nonexistent/state/pool'
    with pytest.raises(exception.InvalidShare):
        drv.create_share(None, {'id': 'x', 'name': 'share-x', 'size': 1,
                                'share_proto': 'NFS'})
