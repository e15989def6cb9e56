#!/usr/bin/python3
"""Real libvirt domains with real qcow2 disks for a lab libvirt host: 'lab.sh vm ...' runs this
inside a kvm-* host, where it drives that host's own libvirtd through virsh.

Disks are qcow2 files in /var/lib/libvirt/images/<name>-<dev>.qcow2 (vda, vdb, ...): a --fill
share of their 64 KiB blocks holds random data, the rest is unallocated, so a test can prove
with 'checksum' that what a backup or a restore produced is what the guest sees.

    labkvm.py create <name> [--size 256M] [--fill 0.5] [--disks 1] [--memory 32] [--running]
                     [--boot [--agent] [--halt-after N]]
    labkvm.py change <name> --percent P
    labkvm.py checksum <name>         one line per disk: '<dev> <sha256>' of the guest-visible content
    labkvm.py list                    one line per domain: '<name> <running|stopped> <dev>:<size>,...'
    labkvm.py serial <name>           the guest's serial console log (--boot domains)
    labkvm.py destroy <name>

--boot makes a guest that really boots: the lab guest's kernel and initramfs (lab/guest/build.py,
in GUEST_DIR on every host) by direct kernel boot, its serial console logged to
/var/log/libvirt/qemu/<name>-serial.log, 128 MiB unless --memory says otherwise. What the guest
does is written in a marker at the start of vda ('DRLAB-GUEST agent=1 halt-after=0'), the rest of
the disk is random fill as usual: a restored copy behaves as the original. --agent adds the guest
agent channel and starts qemu-ga; --halt-after N powers the guest off N seconds after boot.

A running domain is written through QEMU's own block layer (HMP 'qemu-io' on the disk's virtio
backend), so its dirty bitmaps (checkpoints) see every change; a stopped one with qemu-io.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

from labvm import (  # noqa: E402
    BLOCK, WRITE_CHUNK, fraction_arg, percent_arg, pick_blocks, size_arg, write_random_blocks)
from pveemu.common import format_disk_size, parse_disk_size  # noqa: E402

IMAGES = '/var/lib/libvirt/images'
BRIDGE = 'br0'
EMULATOR = '/usr/bin/qemu-system-x86_64'
VIRSH = ['virsh', '-q', '-c', 'qemu:///system']
# libvirt's own rule for domain names, narrowed: no leading '.' or '-', nothing a shell,
# an XML attribute, an HMP line or a path could read differently.
NAME_RE = re.compile(r'^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$')
# What libvirt names a disk's qdev (its alias) and what we put in our own file names.
ALIAS_RE = re.compile(r'^[A-Za-z0-9_-]{1,64}$')
DEV_RE = re.compile(r'^vd[a-z]$')
PATH_RE = re.compile(r'^/[A-Za-z0-9_.+/-]+$')
MAX_DISKS = 8
# Where lab/guest/build.py puts the bootable guest: outside the hosts' /etc and /var overlays.
GUEST_DIR = os.environ.get('DRLAB_GUEST_DIR', '/usr/local/lib/drlab-guest')
GUEST_CMDLINE = 'console=ttyS0 panic=1 loglevel=4'
GUEST_MEMORY = 128
AGENT_CHANNEL = 'org.qemu.guest_agent.0'
MARKER = 'DRLAB-GUEST'
SERIAL_LOGS = '/var/log/libvirt/qemu'


class LabError(Exception):
    pass


def valid_name(text):
    """A domain name, or LabError naming the rule."""
    if not isinstance(text, str) or not NAME_RE.fullmatch(text) or text in ('.', '..'):
        raise LabError("invalid domain name %r (1-64 of A-Z a-z 0-9 _ . + -, not starting with '.' or '-')"
                       % (text,))
    return text


def name_arg(text):
    try:
        return valid_name(text)
    except LabError as e:
        raise argparse.ArgumentTypeError(str(e))


def halt_arg(text):
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 0 <= int(text) <= 86400:
        raise argparse.ArgumentTypeError("invalid halt-after '%s' (0..86400 seconds)" % text)
    return int(text)


def memory_arg(text):
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 16 <= int(text) <= 4096:
        raise argparse.ArgumentTypeError("invalid memory '%s' (16..4096 MiB)" % text)
    return int(text)


def disk_dev(index):
    if not 0 <= index < MAX_DISKS:
        raise LabError('a domain has 1..%d disks' % MAX_DISKS)
    return 'vd' + 'abcdefghijklmnopqrstuvwxyz'[index]


def disk_path(name, dev):
    return os.path.join(IMAGES, '%s-%s.qcow2' % (valid_name(name), dev))


def random_mac():
    return '52:54:00:%02x:%02x:%02x' % (random.randrange(256), random.randrange(256), random.randrange(256))


def marker(agent=False, halt_after=0):
    """The line at the start of vda that tells the lab guest what to do."""
    if not isinstance(halt_after, int) or not 0 <= halt_after <= 86400:
        raise LabError('invalid halt-after %r (0..86400 seconds)' % (halt_after,))
    return ('%s agent=%d halt-after=%d\n' % (MARKER, 1 if agent else 0, halt_after)).encode()


def serial_log(name):
    return os.path.join(SERIAL_LOGS, '%s-serial.log' % valid_name(name))


def domain_xml(name, memory_mib, disks, macs=(), virt_type='qemu', domain_uuid=None, bridge=BRIDGE,
               boot=False, agent=False, guest_dir=GUEST_DIR):
    """The domain's XML as text, built with ElementTree (every value escaped), for 'virsh define'.

    disks: [(dev, path)] of qcow2 files; macs: one per NIC (one NIC on the bridge).
    Without boot: no OS, no graphics, a machine that idles in its firmware. With boot: the lab
    guest by direct kernel boot, its serial console into a file, and (agent) the guest agent channel.
    """
    valid_name(name)
    if virt_type not in ('qemu', 'kvm'):
        raise LabError('invalid domain type %r' % (virt_type,))
    if not isinstance(memory_mib, int) or not 16 <= memory_mib <= 65536:
        raise LabError('invalid memory %r (16..65536 MiB)' % (memory_mib,))
    if not disks:
        raise LabError('a domain needs at least one disk')
    dom = ET.Element('domain', type=virt_type)
    ET.SubElement(dom, 'name').text = name
    ET.SubElement(dom, 'uuid').text = str(domain_uuid or uuid.uuid4())
    ET.SubElement(dom, 'memory', unit='MiB').text = str(memory_mib)
    ET.SubElement(dom, 'vcpu').text = '1'
    os_el = ET.SubElement(dom, 'os')
    ET.SubElement(os_el, 'type', arch='x86_64', machine='pc').text = 'hvm'
    if boot:
        if not PATH_RE.fullmatch(guest_dir):
            raise LabError('invalid guest directory %r' % (guest_dir,))
        ET.SubElement(os_el, 'kernel').text = os.path.join(guest_dir, 'vmlinuz')
        ET.SubElement(os_el, 'initrd').text = os.path.join(guest_dir, 'initrd.img')
        ET.SubElement(os_el, 'cmdline').text = GUEST_CMDLINE
        # ACPI: the power button 'virsh shutdown --mode acpi' presses.
        ET.SubElement(ET.SubElement(dom, 'features'), 'acpi')
    ET.SubElement(dom, 'on_poweroff').text = 'destroy'
    # A booting guest that panics reboots (panic=1): it stops instead of looping.
    ET.SubElement(dom, 'on_reboot').text = 'destroy' if boot else 'restart'
    ET.SubElement(dom, 'on_crash').text = 'destroy'
    devices = ET.SubElement(dom, 'devices')
    ET.SubElement(devices, 'emulator').text = EMULATOR
    for dev, path in disks:
        if not DEV_RE.fullmatch(dev):
            raise LabError('invalid disk target %r' % (dev,))
        disk = ET.SubElement(devices, 'disk', type='file', device='disk')
        ET.SubElement(disk, 'driver', name='qemu', type='qcow2')
        ET.SubElement(disk, 'source', file=path)
        ET.SubElement(disk, 'target', dev=dev, bus='virtio')
    for mac in macs or [random_mac()]:
        nic = ET.SubElement(devices, 'interface', type='bridge')
        ET.SubElement(nic, 'mac', address=mac)
        ET.SubElement(nic, 'source', bridge=bridge)
        ET.SubElement(nic, 'model', type='virtio')
    if boot:
        serial = ET.SubElement(devices, 'serial', type='file')
        ET.SubElement(serial, 'source', path=serial_log(name))
        ET.SubElement(serial, 'target', port='0')
        if agent:
            channel = ET.SubElement(devices, 'channel', type='unix')
            ET.SubElement(channel, 'target', type='virtio', name=AGENT_CHANNEL)
    else:
        ET.SubElement(devices, 'console', type='pty')
    return ET.tostring(dom, encoding='unicode')


def parse_disks(xml_text):
    """[(dev, path, format, alias or None)] of a domain's file disks, in XML order."""
    disks = []
    for disk in ET.fromstring(xml_text).findall('./devices/disk'):
        if disk.get('device', 'disk') != 'disk':
            continue
        source, target = disk.find('source'), disk.find('target')
        driver, alias = disk.find('driver'), disk.find('alias')
        if source is None or target is None or not source.get('file'):
            continue
        disks.append((target.get('dev'), source.get('file'),
                      driver.get('type', 'raw') if driver is not None else 'raw',
                      alias.get('name') if alias is not None else None))
    return disks


def parse_logs(xml_text, name):
    """The domain's own console log files: file-backed serial/console/channel sources in SERIAL_LOGS named after it
    (this tool's '<name>-serial.log', DrPortal's restored '<name>-serial0.log')."""
    logs = []
    for dev in ET.fromstring(xml_text).findall('./devices/*'):
        if dev.tag not in ('serial', 'console', 'channel', 'parallel') or dev.get('type') != 'file':
            continue
        source = dev.find('source')
        path = source.get('path') if source is not None else None
        if path and os.path.dirname(path) == SERIAL_LOGS and os.path.basename(path).startswith(valid_name(name) + '-') \
                and path not in logs:
            logs.append(path)
    return logs


def block_runs(indexes, max_blocks=WRITE_CHUNK // BLOCK):
    """Sorted block indexes as (first, count) runs of neighbours, each at most max_blocks long."""
    runs = []
    for index in sorted(indexes):
        if runs and runs[-1][0] + runs[-1][1] == index and runs[-1][1] < max_blocks:
            runs[-1][1] += 1
        else:
            runs.append([index, 1])
    return [(first, count) for first, count in runs]


def qemu_io_write(source_file, offset, length):
    """One qemu-io 'write' command filling [offset, offset+length) from a file of random data."""
    if not PATH_RE.fullmatch(source_file) or not isinstance(offset, int) or not isinstance(length, int) \
            or offset < 0 or length <= 0:
        raise LabError('invalid qemu-io write (%r, %r, %r)' % (source_file, offset, length))
    return 'write -q -s %s %d %d' % (source_file, offset, length)


def hmp_qemu_io(name, alias, command):
    """A virsh command line (for virsh's own parser) that runs a qemu-io command inside the
    running QEMU on one disk's virtio backend: writes go through the block layer, bitmaps see them."""
    valid_name(name)
    if not ALIAS_RE.fullmatch(alias or ''):
        raise LabError('invalid disk alias %r' % (alias,))
    if "'" in command or '"' in command or '\n' in command:
        raise LabError('invalid qemu-io command %r' % (command,))
    return "qemu-monitor-command %s --hmp 'qemu-io -d /machine/peripheral/%s/virtio-backend \"%s\"'" % (
        name, alias, command)


# ------------------------------------------------------------------ virsh and qemu-img

def run(argv, stdin=None, what=None):
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LabError('%s failed: %s' % (what or ' '.join(argv[:3]), (proc.stderr or proc.stdout).strip()))
    return proc.stdout


def virsh(*args):
    return run(VIRSH + list(args), what='virsh ' + args[0])


def virsh_batch(lines):
    """Several virsh commands in one virsh process (its own parser reads them from stdin)."""
    out = run(VIRSH, stdin=''.join(line + '\n' for line in lines), what='virsh')
    # HMP returns qemu-io's own errors as text, not as an exit code.
    for line in out.splitlines():
        if re.search(r'(?i)\b(failed|error|cannot|permission)\b', line):
            raise LabError('qemu-io in the running domain: %s' % line.strip())
    return out


def domains():
    """{name: running} of every domain defined on this host."""
    every = [n for n in virsh('list', '--all', '--name').split() if n]
    active = set(virsh('list', '--name').split())
    return {n: n in active for n in every}


def existing(name):
    state = domains()
    if name not in state:
        raise LabError("domain '%s' does not exist" % name)
    return state[name]


def virtual_size(path):
    info = json.loads(run(['qemu-img', 'info', '-U', '--output=json', path], what='qemu-img info'))
    return int(info['virtual-size'])


def virt_type():
    return 'kvm' if os.path.exists('/dev/kvm') else 'qemu'


def flush(name, disks):
    virsh_batch([hmp_qemu_io(name, alias, 'flush') for _, _, _, alias in disks])


# ------------------------------------------------------------------ commands

def cmd_create(args):
    name = args.name
    if name in domains():
        raise LabError("domain '%s' already exists" % name)
    if (args.agent or args.halt_after) and not args.boot:
        raise LabError('--agent and --halt-after need --boot')
    if args.boot:
        for f in ('vmlinuz', 'initrd.img'):
            if not os.path.isfile(os.path.join(GUEST_DIR, f)):
                raise LabError('no lab guest in %s (build it: lab/guest/build.py)' % GUEST_DIR)
    memory = args.memory or (GUEST_MEMORY if args.boot else 32)
    disks = [(disk_dev(i), disk_path(name, disk_dev(i))) for i in range(args.disks)]
    for _, path in disks:
        if os.path.exists(path):
            raise LabError("disk '%s' already exists" % path)
    os.makedirs(IMAGES, exist_ok=True)
    if args.boot:
        os.makedirs(SERIAL_LOGS, exist_ok=True)
    made = []
    try:
        for _, path in disks:
            # Random blocks into a sparse raw file, then qcow2: holes stay unallocated clusters.
            raw = path + '.raw.tmp'
            made.append(raw)
            with open(raw, 'wb') as f:
                f.truncate(args.size)
            blocks, _ = pick_blocks(args.size, args.fill)
            write_random_blocks(raw, blocks, args.size)
            if args.boot and path == disks[0][1]:
                with open(raw, 'r+b') as f:
                    f.write(marker(args.agent, args.halt_after))
            made.append(path)
            run(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, path], what='qemu-img convert')
            os.unlink(raw)
            made.remove(raw)
        with tempfile.NamedTemporaryFile('w', suffix='.xml', prefix='labkvm-') as f:
            f.write(domain_xml(name, memory, disks, virt_type=virt_type(), boot=args.boot, agent=args.agent))
            f.flush()
            virsh('define', f.name)
    except BaseException:
        for path in made:
            if os.path.exists(path):
                os.unlink(path)
        raise
    if args.running:
        virsh('start', name)
    return 0


def live_disks(name):
    return parse_disks(virsh('dumpxml', name))


def cmd_change(args):
    name = args.name
    running = existing(name)
    disks = live_disks(name)
    work = tempfile.mkdtemp(prefix='labkvm-')
    try:
        lines, report = [], []
        for dev, path, fmt, alias in disks:
            size = virtual_size(path)
            blocks, count = pick_blocks(size, args.percent / 100.0)
            commands = []
            for n, (first, nblocks) in enumerate(block_runs(blocks)):
                offset, length = first * BLOCK, min(nblocks * BLOCK, size - first * BLOCK)
                source = os.path.join(work, '%s-%d' % (dev, n))
                with open(source, 'wb') as f:
                    f.write(os.urandom(length))
                commands.append(qemu_io_write(source, offset, length))
            if running:
                lines += [hmp_qemu_io(name, alias, c) for c in commands]
                lines.append(hmp_qemu_io(name, alias, 'flush'))
            elif commands:
                argv = ['qemu-io', '-f', fmt]
                for c in commands:
                    argv += ['-c', c]
                run(argv + [path], what='qemu-io')
            report.append('%s rewrote %d of %d blocks' % (dev, len(blocks), count))
        if lines:
            virsh_batch(lines)
        for line in report:
            print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def guest_sha256(path, fmt, work):
    """sha256 of what the guest sees: the image converted to raw (holes read as zeros)."""
    raw = os.path.join(work, 'disk.raw')
    run(['qemu-img', 'convert', '-U', '-f', fmt, '-O', 'raw', path, raw], what='qemu-img convert')
    digest = hashlib.sha256()
    with open(raw, 'rb') as f:
        for chunk in iter(lambda: f.read(WRITE_CHUNK), b''):
            digest.update(chunk)
    os.unlink(raw)
    return digest.hexdigest()


def cmd_checksum(args):
    name = args.name
    running = existing(name)
    disks = live_disks(name)
    if running:
        # QEMU keeps qcow2 metadata in memory until a flush; the file alone must tell the truth.
        flush(name, disks)
    work = tempfile.mkdtemp(prefix='labkvm-')
    try:
        for dev, path, fmt, _ in disks:
            print('%s %s' % (dev, guest_sha256(path, fmt, work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def cmd_list(args):
    for name, running in sorted(domains().items()):
        disks = ','.join('%s:%s' % (dev, format_disk_size(virtual_size(path)))
                         for dev, path, _, _ in parse_disks(virsh('dumpxml', '--inactive', name)))
        print('%s %s %s' % (name, 'running' if running else 'stopped', disks or '-'))
    return 0


def cmd_destroy(args):
    name = args.name
    running = existing(name)
    inactive = virsh('dumpxml', '--inactive', name)
    disks = parse_disks(inactive)
    logs = set(parse_logs(inactive, name)) | {serial_log(name)}
    if running:
        virsh('destroy', name)
    virsh('undefine', name, '--checkpoints-metadata', '--snapshots-metadata')
    for _, path, _, _ in disks:
        # Only the disks this tool made: nothing outside the host's image directory is removed.
        if os.path.dirname(os.path.realpath(path)) == IMAGES and os.path.exists(path):
            os.unlink(path)
    for path in logs:
        if os.path.exists(path):
            os.unlink(path)
    return 0


def cmd_serial(args):
    """What the domain's guest wrote on its serial console (a --boot domain's log file)."""
    existing(args.name)
    path = serial_log(args.name)
    if not os.path.exists(path):
        raise LabError("domain '%s' has no serial log (%s)" % (args.name, path))
    with open(path, 'rb') as f:
        sys.stdout.write(f.read().decode('utf-8', 'replace'))
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog='lab vm', description='libvirt domains with real qcow2 disks on a lab host')
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('create')
    p.add_argument('name', type=name_arg)
    p.add_argument('--size', type=size_arg, default=parse_disk_size('256M'))
    p.add_argument('--fill', type=fraction_arg, default=0.5)
    p.add_argument('--disks', type=int, choices=range(1, MAX_DISKS + 1), default=1)
    p.add_argument('--memory', type=memory_arg, default=None, help='MiB (32; 128 with --boot)')
    p.add_argument('--running', action='store_true')
    p.add_argument('--boot', action='store_true', help='boot the lab guest (direct kernel boot)')
    p.add_argument('--agent', action='store_true', help='with --boot: a guest agent channel and qemu-ga')
    p.add_argument('--halt-after', type=halt_arg, default=0, metavar='N', help='with --boot: power off N s after boot')
    p = sub.add_parser('change')
    p.add_argument('name', type=name_arg)
    p.add_argument('--percent', type=percent_arg, required=True)
    for command in ('checksum', 'destroy', 'serial'):
        p = sub.add_parser(command)
        p.add_argument('name', type=name_arg)
    sub.add_parser('list')
    args = parser.parse_args(argv)
    handler = {'create': cmd_create, 'change': cmd_change, 'checksum': cmd_checksum,
               'list': cmd_list, 'destroy': cmd_destroy, 'serial': cmd_serial}[args.command]
    try:
        return handler(args)
    except LabError as e:
        sys.stderr.write('lab vm: %s\n' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
