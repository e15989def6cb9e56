#!/usr/bin/python3
"""VMs with real disks for a lab host: 'lab.sh vm ...' runs this inside the host.

Disks are sparse raw files on storage 'local' (/var/lib/vz/images/<vmid>/),
filled with random data at a chosen density in 64 KiB blocks, so that a test
can prove with 'checksum' that a restored VM is byte for byte the backed-up one.

    labvm.py create <vmid> [--name N] [--size 256M] [--fill 0.5] [--disks 1] [--memory 512] [--running]
    labvm.py change <vmid> --percent P   (keeps a guest marker)
    labvm.py guest <vmid> [--agent|--no-agent] [--boot S] [--halt-after S] [--acpi 0|1] [--clear]
                                      writes the guest marker at the start of the first disk
    labvm.py checksum <vmid>          one line per disk: '<drive> <sha256>'
    labvm.py list                     one line per VM: '<vmid> <name> <status> <drive>:<size>,...'
    labvm.py destroy <vmid>
"""

import argparse
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), 'emulator'))

from pveemu.common import (  # noqa: E402
    PveError, VMID_RE, vm_exists, load_config, write_config, remove_config, config_drives, volume_path,
    images_dir, ensure_dir, format_disk_size, parse_disk_size, random_mac, start_vm_process,
    stop_vm_process, vm_running, list_vmids, sha256_file, ConfigLock, LOCAL_STORAGE, first_disk_path,
    parse_guest_marker, format_guest_marker, GUEST_MARKER_SIZE)

BLOCK = 64 * 1024
WRITE_CHUNK = 4 << 20


class LabError(Exception):
    pass


def vmid_arg(text):
    if not VMID_RE.match(text):
        raise argparse.ArgumentTypeError("invalid VMID '%s' (100..999999999)" % text)
    return int(text)


def size_arg(text):
    size = parse_disk_size(text)
    if not size or size % 512:
        raise argparse.ArgumentTypeError("invalid size '%s' (e.g. 256M, 1G; a multiple of 512 bytes)" % text)
    return size


def fraction_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("invalid fill '%s' (0..1)" % text)
    return value


def percent_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("invalid percent '%s' (0..100)" % text)
    return value


def write_random_blocks(path, indexes, size):
    """Write random data into the given 64 KiB blocks of a file, merging neighbours."""
    fd = os.open(path, os.O_WRONLY)
    try:
        run_start = run_end = None
        for index in sorted(indexes) + [None]:
            if index is not None and run_end == index:
                run_end += 1
                continue
            if run_start is not None:
                pos = run_start * BLOCK
                end = min(run_end * BLOCK, size)
                while pos < end:
                    n = min(WRITE_CHUNK, end - pos)
                    os.pwrite(fd, os.urandom(n), pos)
                    pos += n
            if index is not None:
                run_start, run_end = index, index + 1
    finally:
        os.close(fd)


def pick_blocks(size, fraction):
    count = (size + BLOCK - 1) // BLOCK
    return random.sample(range(count), int(round(fraction * count))), count


def cmd_create(args):
    vmid = args.vmid
    with ConfigLock(vmid):
        if vm_exists(vmid):
            raise LabError('VM %d already exists' % vmid)
        conf = {
            'boot': 'order=scsi0',
            'cores': str(args.cores),
            'cpu': 'x86-64-v2-AES',
            'memory': str(args.memory),
            'meta': 'creation-qemu=8.1.5,ctime=%d' % int(time.time()),
            'net0': 'virtio=%s,bridge=vmbr0,firewall=1' % random_mac(),
            'numa': '0',
            'ostype': 'l26',
            'scsihw': 'virtio-scsi-single',
            'smbios1': 'uuid=%s' % uuid.uuid4(),
            'sockets': '1',
            'vmgenid': str(uuid.uuid4()),
        }
        if args.name:
            conf['name'] = args.name
        ensure_dir(images_dir(vmid))
        for n in range(args.disks):
            name = 'vm-%d-disk-%d.raw' % (vmid, n)
            path = os.path.join(images_dir(vmid), name)
            with open(path, 'wb') as f:
                f.truncate(args.size)
            blocks, _ = pick_blocks(args.size, args.fill)
            write_random_blocks(path, blocks, args.size)
            conf['scsi%d' % n] = '%s:%d/%s,iothread=1,size=%s' % (LOCAL_STORAGE, vmid, name,
                                                                  format_disk_size(args.size))
        write_config(vmid, conf)
    if args.running:
        start_vm_process(vmid, conf)
    return 0


def disks_of(vmid):
    if not vm_exists(vmid):
        raise LabError('VM %d does not exist' % vmid)
    conf, _ = load_config(vmid)
    return conf, [(key, volume_path(volid)) for key, volid, _ in config_drives(conf)]


def cmd_change(args):
    conf, disks = disks_of(args.vmid)
    first = first_disk_path(conf)
    marker = read_marker(first) if first else None
    for key, path in disks:
        size = os.path.getsize(path)
        blocks, count = pick_blocks(size, args.percent / 100.0)
        write_random_blocks(path, blocks, size)
        print('%s rewrote %d of %d blocks' % (key, len(blocks), count))
    # The guest's behaviour is part of its data ("its OS"): new data does not erase it.
    if marker is not None:
        write_marker(first, format_guest_marker(marker))
    return 0


def read_marker(path):
    with open(path, 'rb') as f:
        return parse_guest_marker(f.read(GUEST_MARKER_SIZE))


def write_marker(path, data):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, data, 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def seconds_arg(text):
    if not text.isdigit() or int(text) > 999999:
        raise argparse.ArgumentTypeError("invalid seconds '%s' (0..999999)" % text)
    return int(text)


def cmd_guest(args):
    """The guest marker: what the VM's 'OS' does, kept in its first disk so backups carry it."""
    conf, _ = disks_of(args.vmid)
    path = first_disk_path(conf)
    if not path:
        raise LabError('VM %d has no disk for a guest marker' % args.vmid)
    if vm_running(args.vmid):
        raise LabError('VM %d is running: the guest marker is written to a stopped VM only' % args.vmid)
    if args.clear:
        write_marker(path, bytes(GUEST_MARKER_SIZE))
        print('no guest marker')
        return 0
    settings = read_marker(path) or {}
    for key, value in (('agent', args.agent), ('boot', args.boot), ('halt-after', args.halt_after),
                       ('acpi', args.acpi)):
        if value is not None:
            settings[key] = value
    data = format_guest_marker(settings)
    write_marker(path, data)
    print(data.split(b'\n', 1)[0].decode())
    return 0


def cmd_checksum(args):
    _, disks = disks_of(args.vmid)
    for key, path in disks:
        print('%s %s' % (key, sha256_file(path)))
    return 0


def cmd_list(args):
    for vmid in list_vmids():
        try:
            conf, _ = load_config(vmid)
        except PveError:
            continue
        disks = ','.join('%s:%s' % (key, opts.get('size', '?')) for key, _, opts in config_drives(conf))
        status = 'running' if vm_running(vmid) else 'stopped'
        print('%d %s %s %s' % (vmid, conf.get('name', 'VM %d' % vmid), status, disks or '-'))
    return 0


def cmd_destroy(args):
    vmid = args.vmid
    if not vm_exists(vmid):
        raise LabError('VM %d does not exist' % vmid)
    stop_vm_process(vmid)
    with ConfigLock(vmid):
        directory = images_dir(vmid)
        if os.path.isdir(directory):
            for name in os.listdir(directory):
                os.unlink(os.path.join(directory, name))
            os.rmdir(directory)
        remove_config(vmid)
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog='lab vm', description='VMs with real disks on a lab host')
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('create')
    p.add_argument('vmid', type=vmid_arg)
    p.add_argument('--name')
    p.add_argument('--size', type=size_arg, default=parse_disk_size('256M'))
    p.add_argument('--fill', type=fraction_arg, default=0.5)
    p.add_argument('--disks', type=int, choices=range(1, 9), default=1)
    p.add_argument('--memory', type=int, default=512)
    p.add_argument('--cores', type=int, default=1)
    p.add_argument('--running', action='store_true')
    p = sub.add_parser('change')
    p.add_argument('vmid', type=vmid_arg)
    p.add_argument('--percent', type=percent_arg, required=True)
    p = sub.add_parser('guest')
    p.add_argument('vmid', type=vmid_arg)
    p.add_argument('--agent', dest='agent', action='store_const', const=1)
    p.add_argument('--no-agent', dest='agent', action='store_const', const=0)
    p.add_argument('--boot', type=seconds_arg)
    p.add_argument('--halt-after', type=seconds_arg)
    p.add_argument('--acpi', type=int, choices=(0, 1))
    p.add_argument('--clear', action='store_true')
    for name in ('checksum', 'destroy'):
        p = sub.add_parser(name)
        p.add_argument('vmid', type=vmid_arg)
    sub.add_parser('list')
    args = parser.parse_args(argv)
    handler = {'create': cmd_create, 'change': cmd_change, 'checksum': cmd_checksum,
               'list': cmd_list, 'destroy': cmd_destroy, 'guest': cmd_guest}[args.command]
    try:
        return handler(args)
    except (LabError, PveError) as e:
        sys.stderr.write('lab vm: %s\n' % (e.msg if isinstance(e, PveError) else e))
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
