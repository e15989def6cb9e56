"""pveversion: the version line of a Proxmox VE 8 node."""

import sys

from .common import Spec, parse_args, run_main, PVE_VERSION, PVE_REPOID, KERNEL

PACKAGES = [
    ('proxmox-ve', '8.2.0 (running kernel: %s)' % KERNEL),
    ('pve-manager', '%s (running version: %s/%s)' % (PVE_VERSION, PVE_VERSION, PVE_REPOID)),
    ('proxmox-kernel-helper', '8.1.0'),
    ('ceph-fuse', '17.2.7-pve3'),
    ('corosync', '3.1.7-pve3'),
    ('libpve-common-perl', '8.2.1'),
    ('libpve-guest-common-perl', '5.1.3'),
    ('libpve-storage-perl', '8.2.3'),
    ('pve-cluster', '8.0.7'),
    ('pve-qemu-kvm', '9.0.0-6'),
    ('qemu-server', '8.2.1'),
    ('zfsutils-linux', '2.2.4-pve1'),
]


def main(argv):
    # pveversion accepts '-v' for '--verbose' (the usual 'pveversion -v').
    argv = ['--verbose' if a == '-v' else a for a in argv]
    opts, _ = parse_args(argv, {'verbose': Spec('boolean')}, [], 'pveversion  [OPTIONS]')
    if opts.get('verbose'):
        for name, version in PACKAGES:
            sys.stdout.write('%s: %s\n' % (name, version))
    else:
        sys.stdout.write('pve-manager/%s/%s (running kernel: %s)\n' % (PVE_VERSION, PVE_REPOID, KERNEL))
    return 0


def entry():
    sys.exit(run_main(main, sys.argv[1:]))


