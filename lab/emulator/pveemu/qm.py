"""qm: the Qemu/KVM VM manager commands DrPortal and the lab use."""

import json
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
    parse_net, print_net, node_bridges, MAX_NETS, running_guest, vm_started_at, agent_enabled)

COMMANDS = ['agent', 'config', 'create', 'destroy', 'guest', 'list', 'resume', 'set', 'shutdown', 'start',
            'status', 'stop', 'suspend', 'unlock']

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
    vmid, opts, _ = vmid_and_opts('shutdown', argv, specs)
    # Before the task, the API asks QMP whether the VM is paused; that query fails on a
    # stopped VM and is warned (stderr), and the task then has nothing to do (exit 0). For a
    # missing VM the same check warns, and the task fails with the same message.
    if not vm_exists(vmid):
        sys.stderr.write("unable to find configuration file for VM %d on node '%s'\n" % (vmid, nodename()))
        sys.stderr.flush()
        raise PveError("unable to find configuration file for VM %d on node '%s'" % (vmid, nodename()))
    if not vm_running(vmid):
        sys.stderr.write('VM %d not running\n\n' % vmid)
        sys.stderr.flush()
        return 0
    with ConfigLock(vmid):
        conf, _ = load_config(vmid)
        if not opts.get('skiplock'):
            check_lock(conf)
    force = opts.get('forceStop')
    if qmp_status(vmid) == 'paused':
        if not force:
            raise PveError('VM is paused - cannot shutdown')
        sys.stdout.write('VM is paused - stop instead of shutdown\n')
        sys.stdout.flush()
        stop_vm_process(vmid)
        return 0
    # _do_vm_stop: guest-shutdown through a running agent, else ACPI system_powerdown; then poll
    # once per second until the timeout (default 60: the lab has no 'startup' down= value).
    timeout = opts.get('timeout', 60)
    guest = running_guest(vmid) or {}
    if (agent_enabled(conf) and guest_agent_up(vmid)) or guest.get('acpi', 1):
        stop_vm_process(vmid)
        return 0
    deadline = time.time() + timeout
    while time.time() < deadline and vm_running(vmid):
        time.sleep(min(1, max(0, deadline - time.time())))
    if not vm_running(vmid):
        return 0
    if not force:
        raise PveError('VM quit/powerdown failed - got timeout')
    # Inside the task these warnings reach the CLI's stdout.
    sys.stdout.write('VM still running - terminating now with SIGTERM\n')
    sys.stdout.flush()
    stop_vm_process(vmid)
    return 0


# ------------------------------------------------------ the guest agent

GUEST_COMMANDS = ['fsfreeze-freeze', 'fsfreeze-status', 'fsfreeze-thaw', 'fstrim', 'get-fsinfo', 'get-host-name',
                  'get-memory-block-info', 'get-memory-blocks', 'get-osinfo', 'get-time', 'get-timezone',
                  'get-users', 'get-vcpus', 'info', 'network-get-interfaces', 'ping', 'shutdown', 'suspend-disk',
                  'suspend-hybrid', 'suspend-ram']

# qga_check_running pings with a 3 s timeout.
QGA_PING_TIMEOUT = 3


def guest_agent_up(vmid, at=None):
    """Whether this boot's guest agent answers: a QGA channel (agent enabled at start), a marker with
    agent=1, and 'boot' seconds passed since start."""
    guest = running_guest(vmid)
    started = vm_started_at(vmid)
    if not guest or started is None or not guest.get('qga') or not guest.get('agent'):
        return False
    return (time.time() if at is None else at) - started >= guest.get('boot', 0)


def _wait_for_agent(vmid, timeout):
    """A ping waits up to its timeout: an agent that comes up meanwhile answers it."""
    deadline = time.time() + timeout
    while True:
        if guest_agent_up(vmid):
            return True
        if time.time() >= deadline or not vm_running(vmid):
            return False
        time.sleep(0.05)


def _agent_json(result):
    # to_json($result, {pretty, canonical, utf8}): sorted keys, 3-space indent, '"key" : value'.
    return json.dumps(result, sort_keys=True, indent=3, separators=(',', ' : '), ensure_ascii=False) + '\n'


def _guest_interfaces(vmid, conf):
    """network-get-interfaces of a lab guest: lo, then one ethN per netN of the config."""
    zero = {k: 0 for k in ('rx-bytes', 'rx-dropped', 'rx-errs', 'rx-packets', 'tx-bytes', 'tx-dropped',
                           'tx-errs', 'tx-packets')}
    result = [{'hardware-address': '00:00:00:00:00:00', 'name': 'lo', 'statistics': dict(zero),
               'ip-addresses': [{'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', 'prefix': 8},
                                {'ip-address': '::1', 'ip-address-type': 'ipv6', 'prefix': 128}]}]
    n = 0
    for i in range(MAX_NETS):
        try:
            net = parse_net(conf.get('net%d' % i, ''))
        except ValueError:
            continue
        result.append({'hardware-address': net.get('macaddr', '').lower(), 'name': 'eth%d' % n,
                       'statistics': dict(zero)})
        n += 1
    return result


def cmd_guest(argv):
    if not argv or argv[0] != 'cmd':
        sub = argv[0] if argv else ''
        if sub in ('exec', 'exec-status', 'passwd'):
            raise PveError("ERROR: 'qm guest %s' is not emulated by the lab" % sub)
        raise PveError("ERROR: unknown command 'qm guest %s'\nUSAGE: qm guest cmd <vmid> <command>" % sub)
    use = 'qm guest cmd <vmid> <command>'
    opts, _ = parse_args(argv[1:], {}, ['vmid', 'command'], use)
    vmid = check_vmid_param('vmid', opts['vmid'], use)
    command = opts['command']
    if command not in GUEST_COMMANDS:
        raise ParamError([('command', "value '%s' does not have a value in the enumeration '%s'"
                           % (command, ', '.join(GUEST_COMMANDS)))], use)
    # assert_agent_available, then qga_check_running, each before the agent is asked anything.
    conf, _ = load_config(vmid)
    if conf.get('agent') is None:
        raise PveError('No QEMU guest agent configured')
    if not vm_running(vmid):
        raise PveError('VM %d is not running' % vmid)
    guest = running_guest(vmid) or {}
    # No QGA socket (agent disabled at start) fails at once; a silent channel after the ping's timeout.
    if not guest.get('qga') or not _wait_for_agent(vmid, QGA_PING_TIMEOUT):
        raise PveError('QEMU guest agent is not running')
    if command == 'ping':
        return 0
    if command == 'shutdown':
        stop_vm_process(vmid)
        sys.stdout.write(_agent_json({'result': None}))
        return 0
    if command == 'network-get-interfaces':
        sys.stdout.write(_agent_json(_guest_interfaces(vmid, conf)))
        return 0
    if command == 'get-host-name':
        sys.stdout.write(_agent_json({'host-name': conf.get('name', 'VM%d' % vmid)}))
        return 0
    if command == 'info':
        sys.stdout.write(_agent_json({'version': '9.2.0', 'supported_commands': []}))
        return 0
    # An error of the agent itself comes back as JSON with exit 0.
    sys.stdout.write(_agent_json({'error': {'class': 'CommandNotFound',
                                            'desc': 'The command guest-%s has not been found' % command}}))
    return 0


def cmd_agent(argv):
    # 'qm agent' is an alias of 'qm guest cmd', expanded silently.
    return cmd_guest(['cmd'] + list(argv))


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
    'agent': cmd_agent, 'guest': cmd_guest,
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

