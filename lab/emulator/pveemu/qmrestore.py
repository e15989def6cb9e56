"""qmrestore: recreate a VM from a vzdump archive (see pve-cli-reference.md)."""

import os
import re
import shutil
import subprocess
import sys
import time

from . import archive
from .common import (
    PveError, ParamError, Spec, Interrupted, parse_args, check_vmid_param, nodename, vm_exists,
    load_config, write_config, parse_config, check_lock, ConfigLock, vm_running, volume_path,
    images_dir, ensure_dir, parse_drive, format_drive, format_disk_size, DRIVE_KEY_RE, rpath,
    random_mac, start_vm_process, install_interrupt_handlers, run_main, LOCAL_STORAGE, destroy_disks,
    remove_lock)

USAGE = 'qmrestore <archive> <vmid> [OPTIONS]'

SPECS = {
    'bwlimit': Spec('number', minimum=0),
    'force': Spec('boolean'),
    'live-restore': Spec('boolean'),
    'pool': Spec('string'),
    'start': Spec('boolean'),
    'storage': Spec('string'),
    'unique': Spec('boolean'),
}

DECOMPRESSORS = {
    'zst': ['zstd', '-q', '-d', '-c'],
    'lzo': ['lzop', '-d', '-c'],
    'gz': ['zcat'],
}


def say(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def resolve_archive(text):
    """Absolute path of an archive given as a path or a 'local:backup/...' volume id."""
    if text == '-':
        return None
    match = re.match(r'^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$', text, re.I)
    if match and not text.startswith('/'):
        if match.group(1) != LOCAL_STORAGE:
            raise PveError("storage '%s' does not exist" % match.group(1))
        path = volume_path(text)
    else:
        path = os.path.abspath(text)
    if not os.path.isfile(path):
        raise PveError("can't find file '%s'" % text)
    return path


def archive_compression(path, text):
    if path is None:
        return None
    match = re.search(r'\.(vma|tar|tgz)(\.(gz|lzo|zst|bz2))?$', os.path.basename(path))
    if not match:
        raise PveError("ERROR: couldn't determine archive info from '%s'" % text)
    if match.group(1) != 'vma':
        raise PveError("unable to restore '%s' - not a qemu (vma) backup" % text)
    comp = match.group(3)
    if comp == 'bz2':
        raise PveError("unable to restore '%s' - unsupported compression 'bz2'" % text)
    return comp


def next_disk_name(vmid, taken):
    n = 0
    while True:
        name = 'vm-%d-disk-%d.raw' % (vmid, n)
        if name not in taken and not os.path.exists(os.path.join(images_dir(vmid), name)):
            return name
        n += 1


def restored_config(config_text, volmap, sizes, unique):
    """restore_update_config_line: point the drives at the new volumes."""
    out = []
    for line in config_text.splitlines():
        if line.startswith('#qmdump#') or line.startswith('#vzdump#'):
            continue
        match = re.match(r'^([a-z][a-z0-9_\-]*):\s*(.*?)\s*$', line)
        if not match:
            out.append(line)
            continue
        key, value = match.group(1), match.group(2)
        if DRIVE_KEY_RE.match(key):
            file, opts = parse_drive(value)
            if opts.get('backup') in ('0', 'no', 'off', 'false'):
                out.append('#' + line)
                continue
            if key in volmap:
                opts.pop('format', None)
                opts['size'] = format_disk_size(sizes[key])
                out.append('%s: %s' % (key, format_drive(volmap[key], opts)))
                continue
        elif unique and re.match(r'^net\d+$', key):
            value = re.sub(r'^(\w+)=[0-9A-Fa-f:]{17}', lambda m: '%s=%s' % (m.group(1), random_mac()), value)
            value = re.sub(r'macaddr=[0-9A-Fa-f:]{17}', 'macaddr=' + random_mac(), value)
            out.append('%s: %s' % (key, value))
            continue
        elif key == 'vmgenid' and value != '0':
            out.append('vmgenid: %s' % _uuid())
            continue
        elif key == 'smbios1' and unique:
            value = re.sub(r'uuid=[0-9a-fA-F\-]+', 'uuid=' + _uuid(), value)
            out.append('smbios1: %s' % value)
            continue
        out.append(line)
    conf, rest = parse_config('\n'.join(out) + '\n')
    conf.pop('lock', None)
    return conf, rest


class StorageMissing(Exception):
    pass


def _uuid():
    import uuid
    return str(uuid.uuid4())


class Stats:
    """vma extract's progress and sparse accounting over 64 KiB clusters."""

    def __init__(self, devices):
        self.devices = {d['dev_id']: d for d in devices}
        self.base = {}
        pos = 0
        for dev in sorted(devices, key=lambda d: d['dev_id']):
            self.base[dev['dev_id']] = pos
            pos += dev['size']
        self.total = pos
        self.blocks = {d['dev_id']: bytearray((d['size'] + archive.BLOCK - 1) // archive.BLOCK) for d in devices}
        self.start = time.time()
        # vma starts counting at 0%: its first line is 'progress 1%'.
        self.last_percent = 0

    def written(self, dev_id, offset, length):
        blocks = self.blocks[dev_id]
        first = offset // archive.BLOCK
        last = (offset + length + archive.BLOCK - 1) // archive.BLOCK
        blocks[first:last] = b'\x01' * (last - first)
        self.report(self.base[dev_id] + offset + length)

    def report(self, done):
        percent = int(done * 100 / self.total) if self.total else 100
        if percent != self.last_percent:
            self.last_percent = percent
            say('progress %d%% (read %d bytes, duration %d sec)' % (percent, done, int(time.time() - self.start)))

    def summary(self):
        if self.last_percent != 100:
            self.report(self.total)
        per_cluster = archive.CLUSTER // archive.BLOCK
        sparse = 0
        zero_blocks = 0
        for blocks in self.blocks.values():
            for i in range(0, len(blocks), per_cluster):
                cluster = blocks[i:i + per_cluster]
                used = cluster.count(1)
                if used == 0:
                    sparse += len(cluster) * archive.BLOCK
                else:
                    zero_blocks += len(cluster) - used
        total = self.total or 1
        say('total bytes read %d, sparse bytes %d (%.3g%%)' % (self.total, sparse, sparse * 100.0 / total))
        say('space reduction due to 4K zero blocks %.3g%%' % (zero_blocks * archive.BLOCK * 100.0 / total))


def restore(vmid, path, comp, opts, old_conf):
    pid = os.getpid()
    tmpdir = '/var/tmp/vzdumptmp%d' % pid
    fifo = tmpdir + '.fifo'
    readfrom = '-' if (comp or path is None) else path
    extract = 'vma extract -v -r %s %s %s' % (fifo, readfrom, tmpdir)
    if comp:
        cmdtext = '%s %s | %s' % (' '.join(DECOMPRESSORS[comp]), path, extract)
    else:
        cmdtext = extract
    say('restore vma archive: %s' % cmdtext)
    real_tmpdir = rpath(tmpdir)
    ensure_dir(real_tmpdir)
    proc = None
    allocated = []
    fds = {}
    try:
        if comp:
            proc = subprocess.Popen(DECOMPRESSORS[comp] + [path], stdout=subprocess.PIPE, bufsize=1 << 20)
            inp = proc.stdout
        elif path is None:
            inp = sys.stdin.buffer
        else:
            inp = open(path, 'rb', buffering=1 << 20)
        meta, hdr_crc = archive.read_header(inp)
        config_text = meta.get('config') or ''
        say('CFG: size: %d name: qemu-server.conf' % len(config_text.encode()))
        if meta.get('firewall'):
            say('CFG: size: %d name: qemu-server.fw' % len(meta['firewall'].encode()))
        devices = sorted(meta.get('devices') or [], key=lambda d: d['dev_id'])
        for dev in devices:
            say('DEV: dev_id=%d size: %d devname: %s' % (dev['dev_id'], dev['size'], dev['devname']))
        say('CTIME: %s' % time.ctime(meta.get('ctime', 0)))
        # $parse_backup_hints: the target storage is looked up only now, inside the task.
        if opts.get('storage') and opts['storage'] != LOCAL_STORAGE:
            raise StorageMissing("storage '%s' does not exist" % opts['storage'])

        # The archive is readable: from here on the old VM is gone (the
        # config stays, empty but for 'lock: create', if the restore fails).
        if old_conf is not None:
            destroy_disks(vmid, old_conf)
            write_config(vmid, {'lock': 'create'})

        volmap = {}
        sizes = {}
        paths = {}
        ensure_dir(images_dir(vmid))
        taken = set()
        for dev in devices:
            virtdev = dev.get('virtdev') or re.sub(r'^drive-', '', dev['devname'])
            name = next_disk_name(vmid, taken)
            taken.add(name)
            volid = '%s:%d/%s' % (LOCAL_STORAGE, vmid, name)
            disk_path = os.path.join(images_dir(vmid), name)
            fd = os.open(disk_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            allocated.append(disk_path)
            os.ftruncate(fd, dev['size'])
            fds[dev['dev_id']] = fd
            volmap[virtdev] = volid
            sizes[virtdev] = dev['size']
            paths[dev['devname']] = disk_path
            say("new volume ID is '%s'" % volid)
        for dev in devices:
            say("map '%s' to '%s' (write zeros = 0)" % (dev['devname'], paths[dev['devname']]))

        stats = Stats(devices)

        def write(dev_id, offset, data):
            if dev_id not in fds:
                raise archive.ArchiveFormatError('unknown device id %d' % dev_id)
            os.pwrite(fds[dev_id], data, offset)
            stats.written(dev_id, offset, len(data))

        throttle = archive.Throttle(opts.get('bwlimit') or 0)
        archive.read_records(inp, hdr_crc, write, throttle)
        if proc:
            proc.stdout.close()
            rc = proc.wait()
            if rc:
                raise archive.ArchiveFormatError('decompressor exited with code %d' % rc)
        elif path is not None:
            inp.close()
        for fd in fds.values():
            os.close(fd)
        fds.clear()
        stats.summary()
        say('rescan volumes...')
        conf, rest = restored_config(config_text, volmap, sizes, opts.get('unique'))
        write_config(vmid, conf, rest)
        if meta.get('firewall'):
            fwdir = ensure_dir(rpath('/etc/pve/firewall'))
            with open(os.path.join(fwdir, '%d.fw' % vmid), 'w') as f:
                f.write(meta['firewall'])
        return conf
    except (archive.ArchiveFormatError, OSError, Interrupted, StorageMissing) as e:
        detail = str(e) if not isinstance(e, OSError) else (e.strerror or str(e))
        if proc and proc.poll() is None:
            proc.kill()
        for fd in fds.values():
            os.close(fd)
        vma_failed = not isinstance(e, (Interrupted, StorageMissing))
        if vma_failed:
            say('vma: restore failed - %s' % detail)
        # restore_vma_archive: one warning, the allocated volumes freed again, then the error.
        # Inside the task everything reaches stdout (its STDERR is redirected there).
        say('error before or during data restore, some or all disks were not completely restored. '
            'VM %d state is NOT cleaned up.' % vmid)
        for disk_path in allocated:
            try:
                os.unlink(disk_path)
            except FileNotFoundError:
                pass
            say("temporary volume '%s:%d/%s' successfully removed" % (LOCAL_STORAGE, vmid, os.path.basename(disk_path)))
        if not vma_failed:
            raise PveError(detail)
        raise PveError("command 'set -o pipefail && %s' failed: exit code 1" % cmdtext)
    finally:
        if proc:
            proc.wait()
        shutil.rmtree(real_tmpdir, ignore_errors=True)


def main(argv):
    opts, _ = parse_args(argv, SPECS, ['archive', 'vmid'], USAGE)
    vmid = check_vmid_param('vmid', opts['vmid'], USAGE)
    text = opts['archive']
    if len(text) > 255:
        raise ParamError([('archive', 'value may only be 255 characters long')], USAGE)
    if opts.get('storage') and not re.match(r'^[a-z][a-z0-9\-_.]*[a-z0-9]$', opts['storage'], re.I):
        raise ParamError([('storage', "invalid format - storage ID '%s' contains illegal characters"
                           % opts['storage'])], USAGE)
    if opts.get('pool'):
        raise PveError("pool '%s' does not exist" % opts['pool'])
    path = resolve_archive(text)
    comp = archive_compression(path, text)
    node = nodename()
    emsg = 'unable to restore VM %d -' % vmid
    if opts.get('live-restore'):
        raise PveError('live-restore is only compatible with backup images from a Proxmox Backup Server')
    install_interrupt_handlers()
    # lock_config_full($vmid, 1, ...): held for the whole restore.
    with ConfigLock(vmid, timeout=1):
        old_conf = None
        if vm_exists(vmid):
            if not opts.get('force'):
                raise PveError("%s VM %d already exists on node '%s'" % (emsg, vmid, node))
            old_conf, rest = load_config(vmid)
            if old_conf.get('protection') in ('1', 'yes', 'on', 'true'):
                raise PveError('%s protection mode enabled' % emsg)
            if vm_running(vmid):
                raise PveError('%s vm is running' % emsg)
            try:
                check_lock(old_conf)
            except PveError as e:
                raise PveError('%s %s' % (emsg, e.msg))
            locked = dict(old_conf)
            locked['lock'] = 'create'
            write_config(vmid, locked, rest)
        else:
            write_config(vmid, {'lock': 'create'})
        try:
            conf = restore(vmid, path, comp, opts, old_conf)
        except PveError as e:
            # The 'create' lock goes, the config stays (the VMID remains taken): Proxmox
            # deliberately does not clean up a failed restore.
            remove_lock(vmid, 'create')
            raise PveError('%s %s' % (emsg, e.msg))
    if opts.get('start'):
        start_vm_process(vmid, conf)
    return 0


def entry():
    sys.exit(run_main(main, sys.argv[1:]))
