"""The local backend: btrfs subvolumes exported by NFS-Ganesha and Samba."""
