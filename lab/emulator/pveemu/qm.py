"""qm: the Qemu/KVM VM manager commands DrPortal and the lab use."""

import os
import re
import sys
import time
import uuid

from .common import (
    PveError, ParamError, Spec, parse_args, check_vmid_param, nodename, vm_exists, load_config,
    write_config, remove_config, check_lock, ConfigLock, vm_running, vm_pid, qmp_status,
    set_qmp_status, start_vm_process, stop_vm_process, vm_uptime, list_vmids, config_drives,
    boot_disk, drive_size, mem_mb, vm_cpus, encode_text, parse_drive, volume_path, images_dir,
    ensure_dir, format_disk_size, random_mac, DRIVE_KEY_RE, LOCAL_STORAGE, run_main, destroy_disks,
    parse_net, print_net, node_bridges, MAX_NETS)

COMMANDS = ['config', 'create', 'destroy', 'list', 'resume', 'set', 'shutdown', 'start', 'status',
            'stop', 'suspend', 'unlock']

LOCKS = ['backup', 'clone', 'create', 'migrate', 'rollback', 'snapshot', 'snapshot-delete',
         'suspending', 'suspended']

# The config options 'qm create' and 'qm set' accept (a subset of qemu-server's).
CONFIG_SPECS = {
    'agent': Spec('string'),
    'bios': Spec('string', enum=['seabios', 'ovmf']),
    'boot': Spec('string'),
    'cores': Spec('integer', minimum=1, maximum=8192),
    'cpu': Spec('string'),
    'description': Spec('string'),
    'lock': Spec('string', enum=LOCKS),
    'memory': Spec('string'),
    'name': Spec('string'),
    'onboot': Spec('boolean'),
    'ostype': Spec('string'),
    'protection': Spec('boolean'),
    'scsihw': Spec('string'),
    'smbios1': Spec('string'),
    'sockets': Spec('integer', minimum=1, maximum=4),
    'tags': Spec('string'),
    'vmgenid': Spec('string'),
}
for _i in range(31):
    CONFIG_SPECS['scsi%d' % _i] = Spec('string')
for _i in range(16):
    CONFIG_SPECS['virtio%d' % _i] = Spec('string')
for _i in range(6):
    CONFIG_SPECS['sata%d' % _i] = Spec('string')
for _i in range(4):
    CONFIG_SPECS['ide%d' % _i] = Spec('string')
for _i in range(MAX_NETS):
    CONFIG_SPECS['net%d' % _i] = Spec('string')


def usage(cmd):
    return 'qm %s <vmid> [OPTIONS]' % cmd


def vmid_and_opts(cmd, argv, specs):
    opts, order = parse_args(argv, specs, ['vmid'], usage(cmd))
    return check_vmid_param('vmid', opts['vmid'], usage(cmd)), opts, order


def vm_status_text(vmid):
    """'qm status': QEMU's query-status word for a running VM (running, paused, prelaunch,
    io-error, ...), 'stopped' otherwise."""
    return qmp_status(vmid)


def cmd_list(argv):
    parse_args(argv, {'full': Spec('boolean')}, [], 'qm list  [OPTIONS]')
    vmids = list_vmids()
    if not vmids:
        return 0
    out = ['%10s %-20s %-10s %-10s %12s %-10s' % ('VMID', 'NAME', 'STATUS', 'MEM(MB)', 'BOOTDISK(GB)', 'PID')]
    for vmid in vmids:
        try:
            conf, _ = load_config(vmid)
        except PveError:
            continue
        disk = boot_disk(conf)
        size = 0
        if disk:
            size = drive_size(parse_drive(conf[disk])[1])
        pid = vm_pid(vmid) or 0
        out.append('%10s %-20s %-10s %-10s %12.2f %-10s' % (
            vmid, conf.get('name', 'VM %d' % vmid), 'running' if pid else 'stopped',
            mem_mb(conf), size / (1024.0 ** 3), pid))
    sys.stdout.write('\n'.join(out) + '\n')
    return 0


def status_dict(vmid, conf):
    running = vm_running(vmid)
    disk = boot_disk(conf)
    res = {
        'vmid': vmid,
        'name': conf.get('name', 'VM %d' % vmid),
        'status': 'running' if running else 'stopped',
        'qmpstatus': qmp_status(vmid),
        'cpus': vm_cpus(conf),
        'maxmem': mem_mb(conf) * 1024 * 1024,
        'mem': (mem_mb(conf) * 1024 * 1024) // 4 if running else 0,
        'maxdisk': drive_size(parse_drive(conf[disk])[1]) if disk else 0,
        'disk': 0, 'diskread': 0, 'diskwrite': 0, 'netin': 0, 'netout': 0,
        'uptime': vm_uptime(vmid) if running else 0,
    }
    if running:
        res['pid'] = vm_pid(vmid)
    if conf.get('lock'):
        res['lock'] = conf['lock']
    if conf.get('tags'):
        res['tags'] = conf['tags']
    return res


def cmd_status(argv):
    vmid, opts, _ = vmid_and_opts('status', argv, {'verbose': Spec('boolean')})
    conf, _ = load_config(vmid)
    if opts.get('verbose'):
        info = status_dict(vmid, conf)
        for key in sorted(info):
            sys.stdout.write('%s: %s\n' % (key, info[key]))
    else:
        sys.stdout.write('status: %s\n' % vm_status_text(vmid))
    return 0


def cmd_config(argv):
    vmid, _, _ = vmid_and_opts('config', argv, {'current': Spec('boolean'), 'snapshot': Spec('string')})
    conf, _ = load_config(vmid)
    for key in sorted(conf):
        if key == 'digest':
            continue
        value = conf[key]
        if key == 'description':
            value = encode_text(value)
        sys.stdout.write('%s: %s\n' % (key, value))
    return 0


def cmd_start(argv):
    specs = {'skiplock': Spec('boolean'), 'timeout': Spec('integer', minimum=0),
             'machine': Spec('string'), 'migratedfrom': Spec('string')}
    vmid, opts, _ = vmid_and_opts('start', argv, specs)
    with ConfigLock(vmid):
        conf, _ = load_config(vmid)
        if not opts.get('skiplock'):
            check_lock(conf)
        if vm_running(vmid):
            raise PveError('VM %d already running' % vmid)
        for key, volid, _ in config_drives(conf):
            try:
                path = volume_path(volid)
            except PveError:
                continue
            if not os.path.exists(path):
                raise PveError("volume '%s' does not exist" % volid)
        check_bridges(vmid, conf)
        start_vm_process(vmid, conf)
    return 0


def check_bridges(vmid, conf):
    """QEMU's ifup script (pve-bridge) fails on a NIC whose bridge does not exist: the bridge
    is checked only here, at start, never by 'qm set'. Task output goes to stdout."""
    bridges = node_bridges()
    for i in range(MAX_NETS):
        key = 'net%d' % i
        if key not in conf:
            continue
        try:
            net = parse_net(conf[key])
        except ValueError:
            continue
        bridge = net.get('bridge')
        if bridge is None or bridge in bridges:
            continue
        vhost = ',vhost=on' if net['model'] == 'virtio' else ''
        sys.stdout.write("bridge '%s' does not exist\n" % bridge)
        sys.stdout.write('kvm: -netdev type=tap,id=%s,ifname=tap%di%d,script=/usr/libexec/qemu-server/pve-bridge,'
                         'downscript=/usr/libexec/qemu-server/pve-bridgedown%s: network script '
                         '/usr/libexec/qemu-server/pve-bridge failed with status 512\n' % (key, vmid, i, vhost))
        sys.stdout.flush()
        raise PveError('start failed: QEMU exited with code 1')


def _stop(cmd, argv, specs):
    vmid, opts, _ = vmid_and_opts(cmd, argv, specs)
    if not vm_exists(vmid):
        raise PveError("unable to find configuration file for VM %d on node '%s'" % (vmid, nodename()))
    with ConfigLock(vmid):
        conf, _ = load_config(vmid)
        if not opts.get('skiplock'):
            check_lock(conf)
        stop_vm_process(vmid)
    return 0


def cmd_stop(argv):
    return _stop('stop', argv, {'skiplock': Spec('boolean'), 'timeout': Spec('integer', minimum=0),
                                'keepActive': Spec('boolean'), 'overrule-shutdown': Spec('boolean'),
                                'migratedfrom': Spec('string')})


def cmd_shutdown(argv):
    specs = {'skiplock': Spec('boolean'), 'timeout': Spec('integer', minimum=0),
             'forceStop': Spec('boolean'), 'keepActive': Spec('boolean')}
    vmid, _, _ = vmid_and_opts('shutdown', argv, specs)
    # Before the task, the API asks QMP whether the VM is paused; that query fails on a
    # stopped VM and is warned (stderr), and the task then has nothing to do (exit 0). For a
    # missing VM the same check warns, and the task fails with the same message.
    if not vm_exists(vmid):
        sys.stderr.write("unable to find configuration file for VM %d on node '%s'\n" % (vmid, nodename()))
        sys.stderr.flush()
    elif not vm_running(vmid):
        sys.stderr.write('VM %d not running\n\n' % vmid)
        sys.stderr.flush()
        return 0
    return _stop('shutdown', argv, specs)


def cmd_suspend(argv):
    vmid, opts, _ = vmid_and_opts('suspend', argv, {'skiplock': Spec('boolean'), 'todisk': Spec('boolean'),
                                                    'statestorage': Spec('string')})
    with ConfigLock(vmid):
        conf, _ = load_config(vmid)
        if not opts.get('skiplock'):
            check_lock(conf)
        if not vm_running(vmid):
            raise PveError('VM %d not running' % vmid)
        set_qmp_status(vmid, 'paused')
    return 0


def cmd_resume(argv):
    vmid, opts, _ = vmid_and_opts('resume', argv, {'skiplock': Spec('boolean'), 'nocheck': Spec('boolean')})
    conf, _ = load_config(vmid)
    if not opts.get('skiplock') and not opts.get('nocheck'):
        check_lock(conf)
    if not vm_running(vmid):
        raise PveError('VM %d not running' % vmid)
    set_qmp_status(vmid, 'running')
    return 0


def cmd_destroy(argv):
    specs = {'purge': Spec('boolean'), 'skiplock': Spec('boolean'),
             'destroy-unreferenced-disks': Spec('boolean')}
    vmid, opts, _ = vmid_and_opts('destroy', argv, specs)
    conf, _ = load_config(vmid)
    if conf.get('protection') in ('1', 'yes', 'on', 'true'):
        raise PveError("can't remove VM %d - protection mode enabled" % vmid)
    if vm_running(vmid):
        raise PveError('VM %d is running - destroy failed' % vmid)
    with ConfigLock(vmid):
        conf, _ = load_config(vmid)
        if not opts.get('skiplock'):
            check_lock(conf)
        if vm_running(vmid):
            raise PveError('VM %d is running - destroy failed' % vmid)
        destroy_disks(vmid, conf)
        if opts.get('destroy-unreferenced-disks', 1) and os.path.isdir(images_dir(vmid)):
            for name in os.listdir(images_dir(vmid)):
                if re.match(r'^vm-%d-disk-\d+\.(raw|qcow2)$' % vmid, name):
                    os.unlink(os.path.join(images_dir(vmid), name))
        try:
            os.rmdir(images_dir(vmid))
        except OSError:
            pass
        remove_config(vmid)
    return 0


def cmd_unlock(argv):
    vmid, _, _ = vmid_and_opts('unlock', argv, {})
    with ConfigLock(vmid):
        conf, rest = load_config(vmid)
        conf.pop('lock', None)
        write_config(vmid, conf, rest)
    return 0


def _alloc_drive(vmid, key, value, conf):
    """'local:4' (4 GiB on storage local) -> a new sparse raw volume."""
    match = re.match(r'^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)(,.*)?$', value, re.I)
    if not match:
        return value
    if match.group(1) != LOCAL_STORAGE:
        raise PveError("storage '%s' does not exist" % match.group(1))
    size = int(float(match.group(2)) * (1 << 30))
    ensure_dir(images_dir(vmid))
    n = 0
    while os.path.exists(os.path.join(images_dir(vmid), 'vm-%d-disk-%d.raw' % (vmid, n))):
        n += 1
    name = 'vm-%d-disk-%d.raw' % (vmid, n)
    with open(os.path.join(images_dir(vmid), name), 'wb') as f:
        f.truncate(size)
    extra = match.group(3) or ''
    return '%s:%d/%s%s,size=%s' % (LOCAL_STORAGE, vmid, name, extra, format_disk_size(size))


def _apply(vmid, conf, opts, order):
    for key in order:
        if key in ('delete', 'skiplock', 'digest', 'revert', 'force'):
            continue
        value = opts[key]
        if key == 'memory':
            if not re.match(r'^\d+$', str(value)):
                raise ParamError([('memory', "type check ('integer') failed - got '%s'" % value)],
                                 usage('set'))
        if DRIVE_KEY_RE.match(key):
            value = _alloc_drive(vmid, key, value, conf)
        if re.match(r'^net\d+$', key):
            value = _net_value(key, value)
        conf[key] = str(value)


def _net_value(key, value):
    """The stored form of a --netN value: a new MAC whenever none is given (every time)."""
    try:
        net = parse_net(value)
    except ValueError as e:
        raise ParamError([(key, 'invalid format - %s' % e)], usage('set'))
    net.setdefault('macaddr', random_mac())
    return print_net(net)


def cmd_set(argv):
    specs = dict(CONFIG_SPECS)
    specs.update({'delete': Spec('string'), 'skiplock': Spec('boolean'), 'digest': Spec('string'),
                  'revert': Spec('string'), 'force': Spec('boolean')})
    vmid, opts, order = vmid_and_opts('set', argv, specs)
    deletes = [k for k in re.split(r'[\s,;]+', opts.get('delete', '')) if k]
    for key in deletes:
        if key in order:
            raise PveError("you can't use '-%s' and -delete %s' at the same time" % (key, key))
        if key not in CONFIG_SPECS and not re.match(r'^unused\d+$', key):
            raise PveError("unknown option '%s'" % key)
    params = [k for k in order if k != 'digest']
    if not [k for k in params if k not in ('skiplock', 'force')]:
        raise PveError('no options specified')
    with ConfigLock(vmid):
        conf, rest = load_config(vmid)
        if not opts.get('skiplock') and 'lock' not in order:
            check_lock(conf)
        # $update_vm_api prints the parameters as given, sorted by key, before the MAC is added.
        sys.stdout.write('update VM %d: %s\n' % (vmid, ' '.join('-%s %s' % (k, opts[k]) for k in sorted(params))))
        sys.stdout.flush()
        for key in deletes:
            if key in conf:
                del conf[key]
            else:
                sys.stderr.write("cannot delete '%s' - not set in current configuration!\n" % key)
        _apply(vmid, conf, opts, order)
        write_config(vmid, conf, rest)
    return 0


def cmd_create(argv):
    specs = dict(CONFIG_SPECS)
    specs.update({'start': Spec('boolean'), 'unique': Spec('boolean'), 'storage': Spec('string')})
    vmid, opts, order = vmid_and_opts('create', argv, specs)
    with ConfigLock(vmid):
        if vm_exists(vmid):
            raise PveError("unable to create VM %d - VM %d already exists on node '%s'" % (vmid, vmid, nodename()))
        conf = {'vmgenid': str(uuid.uuid4()), 'smbios1': 'uuid=%s' % uuid.uuid4(),
                'meta': 'creation-qemu=8.1.5,ctime=%d' % int(time.time())}
        _apply(vmid, conf, opts, [k for k in order if k not in ('start', 'unique', 'storage')])
        write_config(vmid, conf)
    if opts.get('start'):
        start_vm_process(vmid, conf)
    return 0


HANDLERS = {
    'config': cmd_config, 'create': cmd_create, 'destroy': cmd_destroy, 'list': cmd_list,
    'resume': cmd_resume, 'set': cmd_set, 'shutdown': cmd_shutdown, 'start': cmd_start,
    'status': cmd_status, 'stop': cmd_stop, 'suspend': cmd_suspend, 'unlock': cmd_unlock,
}


def main(argv):
    if not argv:
        raise PveError('ERROR: no command specified\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n'
                       '       commands: %s' % ', '.join(COMMANDS))
    cmd = argv[0]
    if cmd not in HANDLERS:
        raise PveError("ERROR: unknown command 'qm %s'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n"
                       "       commands: %s" % (cmd, ', '.join(COMMANDS)))
    return HANDLERS[cmd](argv[1:])


def entry():
    sys.exit(run_main(main, sys.argv[1:]))

