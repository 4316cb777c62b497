"""Options of the local (btrfs + NFS-Ganesha + Samba) backend.

Registered in each backend section using ``share_driver = local``.
"""

from oslo_config import cfg

local_opts = [
    cfg.StrOpt('local_state_dir',
               help='Directory of the driver\'s own state: Ganesha and '
                    'Samba configuration, pid files and logs of the '
                    'daemons it runs, and the mount points of exported '
                    'shares. Defaults to $state_path/local-<backend>.'),
    cfg.StrOpt('local_btrfs_mount_point',
               help='Where the btrfs filesystem holding the shares is '
                    'mounted. If it already is a btrfs mount it is used '
                    'as is; otherwise local_btrfs_device or '
                    'local_btrfs_loop_file is mounted there. Defaults to '
                    '<local_state_dir>/pool.'),
    cfg.StrOpt('local_btrfs_device',
               help='Block device holding the btrfs pool, mounted at '
                    'local_btrfs_mount_point.'),
    cfg.BoolOpt('local_btrfs_mkfs', default=False,
                help='Format local_btrfs_device with btrfs when it holds no '
                     'filesystem at all (one holding another filesystem is '
                     'never formatted).'),
    cfg.StrOpt('local_btrfs_loop_file',
               help='File holding the pool through a loop device, created '
                    'sparse with local_btrfs_loop_size_gb and formatted on '
                    'first start; for trials and tests.'),
    cfg.FloatOpt('local_btrfs_loop_size_gb', default=10.0, min=0.25,
                 help='Size in GiB of a local_btrfs_loop_file created by '
                      'the driver.'),
    cfg.StrOpt('local_pool_name', default='btrfs',
               help='Name of the pool reported to the scheduler (the part '
                    'after "#" in share hosts).'),
    cfg.ListOpt('local_share_protocols', default=['NFS', 'CIFS'],
                help='Protocols this backend serves: NFS (NFS-Ganesha) '
                     'and/or CIFS (Samba).'),
    cfg.BoolOpt('local_manage_daemons', default=True,
                help='Start and supervise the driver\'s own ganesha.nfsd, '
                     'dbus-daemon, rpcbind (NFSv3 only) and smbd, with '
                     'configuration under local_state_dir. False uses '
                     'system-managed ones: Ganesha on the system D-Bus '
                     'including <local_state_dir>/ganesha/exports.conf, '
                     'and the smbd of local_samba_config with registry '
                     'shares.'),
    cfg.StrOpt('local_daemon_netns',
               help='Network namespace (a name under /run/netns or a '
                    'path) in which the driver\'s own daemons run; unset '
                    'runs them in the share service\'s namespace.'),
    cfg.HostAddressOpt('local_export_address', default='127.0.0.1',
                       help='IP address or host name clients mount shares '
                            'from; it forms the preferred export locations '
                            '(host:/path for NFS, \\\\host\\share for '
                            'CIFS). Checked at start: anything else (say a '
                            'comment on the same line, which oslo.config '
                            'keeps as part of the value) stops the '
                            'backend.'),
    cfg.HostAddressOpt('local_admin_export_address',
                       help='IP address or host name of an extra, '
                            'admin-only export location (e.g. on a '
                            'management network); unset adds none.'),
    cfg.StrOpt('local_nfs_bind_address', default='0.0.0.0',
               help='Address the driver\'s own Ganesha listens on.'),
    cfg.PortOpt('local_nfs_port', default=2049,
                help='NFS port of the driver\'s own Ganesha.'),
    cfg.ListOpt('local_nfs_versions', default=['4'],
                help='NFS versions served: 4 (NFSv4.0-4.2) and/or 3. '
                     'NFSv3 needs rpcbind, which the driver starts with its '
                     'own daemons.'),
    cfg.StrOpt('local_cifs_bind_address', default='0.0.0.0',
               help='Address the driver\'s own smbd listens on.'),
    cfg.PortOpt('local_cifs_port', default=445,
                help='SMB port of the driver\'s own smbd.'),
    cfg.StrOpt('local_samba_config', default='/etc/samba/smb.conf',
               help='smb.conf of the system-managed smbd, used when '
                    'local_manage_daemons is false; it must set '
                    '"registry shares = yes".'),
]
