"""Shared parts of the Proxmox VE CLI emulator of the DrPortal lab.

The behaviour mimicked here is the one written down in
shared/pve-cli-reference.md; where that page is silent the emulator follows the
Proxmox sources (pve-manager, qemu-server, pve-common).

Python 3 standard library only: the emulator runs inside lab hosts that have
nothing but Debian's python3.

Filesystem: the emulator uses the real Proxmox paths (/etc/pve,
/var/lib/vz, /run/qemu-server, ...).  Its unit tests run it without a lab
host, so every built-in path goes through rpath(), which prefixes
$PVE_EMU_ROOT (default "/").  Paths given on the command line (--dumpdir,
archive paths) are used as they are.  $PVE_EMU_NODE overrides the node name
(default: the host name, which the lab sets to the node name).
"""

import fcntl
import hashlib
import math
import os
import re
import socket
import subprocess
import sys
import time

VMID_RE = re.compile(r'^[1-9][0-9]{2,8}$')

# Drive keys of a qemu-server config (PVE::QemuServer::Drive).
DRIVE_KEY_RE = re.compile(
    r'^(?:ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0)$')

PVE_VERSION = '8.2.4'
PVE_RELEASE = '8.2'
PVE_REPOID = 'faa83925c9641325'
KERNEL = '6.8.12-1-pve'

# The only storage of a lab node: 'local', type dir, path /var/lib/vz.
LOCAL_STORAGE = 'local'


class PveError(Exception):
    """An error the real tool prints to stderr before exiting non-zero."""

    def __init__(self, msg, code=255):
        super().__init__(msg)
        self.msg = msg
        self.code = code


class ParamError(PveError):
    """PVE's '400 Parameter verification failed.' error of a CLI command."""

    def __init__(self, errors, usage, code=255):
        lines = ['400 Parameter verification failed.']
        for key, text in errors:
            lines.append('%s: %s' % (key, text))
        lines.append('')
        lines.append(usage)
        super().__init__('\n'.join(lines), code)


# ---------------------------------------------------------------- paths

def emu_root():
    return os.environ.get('PVE_EMU_ROOT') or '/'


def rpath(path):
    return os.path.join(emu_root(), path.lstrip('/'))


def nodename():
    node = os.environ.get('PVE_EMU_NODE')
    if node:
        return node
    return socket.gethostname().split('.')[0]


def conf_dir(node=None):
    return rpath('/etc/pve/nodes/%s/qemu-server' % (node or nodename()))


def conf_path(vmid):
    return os.path.join(conf_dir(), '%s.conf' % vmid)


def storage_base():
    return rpath('/var/lib/vz')


def default_dumpdir():
    return os.path.join(storage_base(), 'dump')


def images_dir(vmid=None):
    base = os.path.join(storage_base(), 'images')
    return base if vmid is None else os.path.join(base, str(vmid))


def run_dir():
    return rpath('/run/qemu-server')


def lock_dir():
    return rpath('/run/lock/qemu-server')


def ensure_dir(path, mode=0o755):
    os.makedirs(path, mode=mode, exist_ok=True)
    return path


# ------------------------------------------------------------ formatting

def render_bytes(value, precision=2):
    """PVE::Format::render_bytes: '%.{precision}f UNIT' with 1024 steps."""
    units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
    unit = 0
    value = float(value)
    if value > 1023:
        unit = min(int(math.log(value) / math.log(1024)), len(units) - 1)
        value /= 1024 ** unit
    return ('%.' + str(precision or 2) + 'f %s') % (value, units[unit])


def render_duration(seconds):
    """PVE::Format::render_duration: '0s', '3s', '1m 5s', '2h 1s'."""
    rest = int(round(seconds or 0))
    if not rest:
        return '0s'
    parts = []
    for unit, length in (('w', 7 * 24 * 3600), ('d', 24 * 3600), ('h', 3600), ('m', 60), ('s', 1)):
        count = rest // length
        if count > 0:
            parts.append('%d%s' % (count, unit))
            rest -= count * length
    return ' '.join(parts)


def format_size_vzdump(size):
    """PVE::VZDump::format_size: NKB, NMB, %.2fGB, %.2fTB."""
    kb = size / 1024
    if kb < 1024:
        return '%dKB' % int(kb)
    mb = size / (1024 * 1024)
    if mb < 1024:
        return '%dMB' % int(mb)
    gb = mb / 1024
    if gb < 1024:
        return '%.2fGB' % gb
    return '%.2fTB' % (gb / 1024)


def format_time_hms(seconds):
    """PVE::VZDump::format_time: HH:MM:SS."""
    seconds = int(seconds)
    hours = seconds // 3600
    seconds -= hours * 3600
    minutes = seconds // 60
    seconds -= minutes * 60
    return '%02d:%02d:%02d' % (hours, minutes, seconds)


def format_disk_size(size):
    """PVE::JSONSchema::format_size: 32G, 256M, 1536K or plain bytes."""
    size = int(size)
    kb = size // 1024
    if kb * 1024 != size:
        return str(size)
    mb = kb // 1024
    if mb * 1024 != kb:
        return '%dK' % kb
    gb = mb // 1024
    if gb * 1024 != mb:
        return '%dM' % mb
    tb = gb // 1024
    if tb * 1024 != gb:
        return '%dG' % gb
    return '%dT' % tb


def parse_disk_size(text):
    """PVE::JSONSchema::parse_size: '32G' -> bytes; None when invalid."""
    match = re.match(r'^(\d+(?:\.\d+)?)([KMGT])?$', str(text).strip())
    if not match:
        return None
    mult = {None: 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}[match.group(2)]
    return int(float(match.group(1)) * mult)


def encode_text(text):
    """PVE::Tools::encode_text: escape control, non-ASCII and ':' characters."""
    out = []
    for byte in text.encode('utf-8'):
        if 0x20 <= byte <= 0x7e and byte != 0x3a:
            out.append(chr(byte))
        else:
            out.append('%%%02X' % byte)
    return ''.join(out)


def local_timestamp(t=None):
    """strftime('%F %H:%M:%S', localtime)."""
    return time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(time.time() if t is None else t))


# --------------------------------------------------------------- config

def parse_config(text):
    """Parse a qemu-server config.

    Returns (conf, rest): conf is the main section (dict in file order; the
    leading '#' lines joined as 'description'); rest is the raw text of any
    [snapshot]/[PENDING] sections, kept verbatim.
    """
    conf = {}
    desc = []
    rest = ''
    lines = text.split('\n')
    for i, line in enumerate(lines):
        if re.match(r'^\[.*\]\s*$', line):
            rest = '\n'.join(lines[i:])
            break
        if not line.strip():
            continue
        if line.startswith('#'):
            if line.startswith('#qmdump#') or line.startswith('#vzdump#'):
                continue
            desc.append(line[1:])
            continue
        match = re.match(r'^([a-z][a-z0-9_\-]*):\s*(.*?)\s*$', line)
        if match:
            conf[match.group(1)] = match.group(2)
    if desc:
        conf['description'] = '\n'.join(desc)
    return conf, rest


def format_config(conf, rest=''):
    """PVE::QemuServer::write_vm_config: description as comments, keys sorted."""
    out = []
    if conf.get('description'):
        for line in conf['description'].split('\n'):
            out.append('#' + line)
    for key in sorted(conf):
        if key in ('description', 'digest'):
            continue
        out.append('%s: %s' % (key, conf[key]))
    text = '\n'.join(out) + '\n'
    if rest and rest.strip():
        text += '\n' + rest.rstrip('\n') + '\n'
    return text


def config_missing_error(vmid):
    # load_config dies after a failed open: Perl then exits with errno (ENOENT).
    return PveError("Configuration file 'nodes/%s/qemu-server/%s.conf' does not exist"
                    % (nodename(), vmid), code=2)


def vm_exists(vmid):
    return os.path.isfile(conf_path(vmid))


def load_config(vmid):
    try:
        with open(conf_path(vmid)) as f:
            text = f.read()
    except FileNotFoundError:
        raise config_missing_error(vmid)
    conf, rest = parse_config(text)
    return conf, rest


def write_config(vmid, conf, rest=''):
    path = conf_path(vmid)
    ensure_dir(os.path.dirname(path))
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write(format_config(conf, rest))
    os.rename(tmp, path)


def remove_config(vmid):
    try:
        os.unlink(conf_path(vmid))
    except FileNotFoundError:
        pass


def list_vmids():
    result = []
    try:
        names = os.listdir(conf_dir())
    except FileNotFoundError:
        return result
    for name in names:
        match = re.match(r'^([1-9][0-9]{2,8})\.conf$', name)
        if match:
            result.append(int(match.group(1)))
    return sorted(result)


_held_locks = {}


class ConfigLock:
    """PVE::AbstractConfig->lock_config: flock on lock-$vmid.conf.

    Re-entrant inside one process (PVE's lock_config is too), so a restore
    that holds the lock for its whole run can still update the config.
    """

    def __init__(self, vmid, timeout=10):
        self.vmid = str(vmid)
        self.timeout = timeout
        self.fd = None

    def __enter__(self):
        held = _held_locks.get(self.vmid)
        if held:
            _held_locks[self.vmid] = (held[0], held[1] + 1)
            return self
        path = os.path.join(ensure_dir(lock_dir()), 'lock-%s.conf' % self.vmid)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.time() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.time() >= deadline:
                    os.close(fd)
                    raise PveError("can't lock file '/var/lock/qemu-server/lock-%s.conf' - got timeout"
                                   % self.vmid)
                time.sleep(0.05)
        self.fd = fd
        _held_locks[self.vmid] = (fd, 1)
        return self

    def __exit__(self, *exc):
        fd, depth = _held_locks[self.vmid]
        if depth > 1:
            _held_locks[self.vmid] = (fd, depth - 1)
        else:
            del _held_locks[self.vmid]
            os.close(fd)
        return False


def check_lock(conf):
    if conf.get('lock'):
        raise PveError('VM is locked (%s)' % conf['lock'])


def set_lock(vmid, lock):
    """PVE::AbstractConfig->set_lock."""
    with ConfigLock(vmid):
        conf, rest = load_config(vmid)
        check_lock(conf)
        conf['lock'] = lock
        write_config(vmid, conf, rest)


def remove_lock(vmid, lock=None):
    with ConfigLock(vmid):
        try:
            conf, rest = load_config(vmid)
        except PveError:
            return
        if 'lock' in conf and (lock is None or conf['lock'] == lock):
            del conf['lock']
            write_config(vmid, conf, rest)


# --------------------------------------------------------------- drives

def parse_drive(value):
    """'local:100/vm-100-disk-0.raw,iothread=1,size=1G' -> (file, {opts})."""
    parts = value.split(',')
    opts = {}
    file = None
    for i, part in enumerate(parts):
        if '=' in part:
            key, val = part.split('=', 1)
            if key == 'file':
                file = val
            else:
                opts[key] = val
        elif i == 0:
            file = part
    return file, opts


def format_drive(file, opts):
    return ','.join([file] + ['%s=%s' % (k, v) for k, v in opts.items()])


def drive_is_cdrom(file, opts):
    return opts.get('media') == 'cdrom' or file in ('none', 'cdrom')


def config_drives(conf):
    """[(key, file, opts)] of the disk drives (no cdroms), sorted by key."""
    result = []
    for key in sorted(conf):
        if DRIVE_KEY_RE.match(key):
            file, opts = parse_drive(conf[key])
            if file is None or drive_is_cdrom(file, opts):
                continue
            result.append((key, file, opts))
    return result


def volume_path(volid):
    """Filesystem path of a volume on storage 'local' (or an absolute path)."""
    if volid.startswith('/'):
        return volid
    match = re.match(r'^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$', volid, re.I)
    if not match:
        raise PveError("unable to parse volume ID '%s'" % volid)
    storeid, volname = match.group(1), match.group(2)
    if storeid != LOCAL_STORAGE:
        raise PveError("storage '%s' does not exist" % storeid)
    match = re.match(r'^(\d+)/(.+)$', volname)
    if match:
        return os.path.join(images_dir(match.group(1)), match.group(2))
    match = re.match(r'^backup/(.+)$', volname)
    if match:
        return os.path.join(default_dumpdir(), match.group(1))
    return os.path.join(storage_base(), volname)


def boot_disk(conf):
    """The drive 'qm list' reports as BOOTDISK: boot order, else the first disk."""
    boot = conf.get('boot', '')
    match = re.search(r'order=([^,]+)', boot)
    candidates = match.group(1).split(';') if match else []
    if conf.get('bootdisk'):
        candidates.append(conf['bootdisk'])
    drives = {k: (f, o) for k, f, o in config_drives(conf)}
    for cand in candidates:
        if cand in drives:
            return cand
    for key in ('scsi0', 'virtio0', 'sata0', 'ide0'):
        if key in drives:
            return key
    return sorted(drives)[0] if drives else None


def drive_size(opts):
    size = parse_disk_size(opts.get('size', '')) if 'size' in opts else None
    return size or 0


def mem_mb(conf):
    try:
        return int(conf.get('memory', 2048))
    except ValueError:
        return 2048


def vm_cpus(conf):
    try:
        return int(conf.get('cores', 1)) * int(conf.get('sockets', 1))
    except ValueError:
        return 1


def random_mac():
    # Proxmox's own OUI prefix, as 'qm create' and '--unique' use.
    tail = os.urandom(3)
    return 'BC:24:11:%02X:%02X:%02X' % (tail[0], tail[1], tail[2])


# ------------------------------------------------------------ networking
#
# The net property string (qemu-server PVE::QemuServer::Network): 'model=MAC'
# first, then the other keys that are set, sorted.

NET_MODELS = ['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b',
              'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']
NET_KEYS = ['bridge', 'firewall', 'host-tunnel', 'link_down', 'mtu', 'queues', 'rate', 'tag', 'trunks']
NET_BOOLEANS = ('firewall', 'host-tunnel', 'link_down')
MAX_NETS = 32
MAC_RE = re.compile(r'^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$', re.I)


def parse_net(value):
    """'virtio=MAC,bridge=vmbr0' / 'virtio,...' / 'model=virtio,macaddr=MAC,...' -> dict, or raise ValueError."""
    net = {}
    for i, part in enumerate(str(value).split(',')):
        if not part:
            continue
        key, sep, val = part.partition('=')
        if key in NET_MODELS:
            if 'model' in net:
                raise ValueError("duplicate key in comma-separated list property: model")
            net['model'] = key
            if sep:
                net['macaddr'] = val
            continue
        if not sep:
            if i == 0:
                raise ValueError("model: value '%s' does not have a value in the enumeration '%s'"
                                 % (key, ', '.join(NET_MODELS)))
            raise ValueError("missing value for key '%s'" % key)
        if key in ('model', 'macaddr') or key in NET_KEYS:
            if key in net:
                raise ValueError('duplicate key in comma-separated list property: %s' % key)
            net[key] = val
        else:
            raise ValueError("property '%s' is not defined" % key)
    if 'model' not in net:
        raise ValueError("property 'model' is missing")
    if net['model'] not in NET_MODELS:
        raise ValueError("model: value '%s' does not have a value in the enumeration '%s'"
                         % (net['model'], ', '.join(NET_MODELS)))
    if 'macaddr' in net and not MAC_RE.match(net['macaddr']):
        raise ValueError('macaddr: value does not look like a valid unicast MAC address')
    for key in NET_BOOLEANS:
        if key in net:
            low = net[key].lower()
            if low not in ('1', '0', 'yes', 'no', 'on', 'off', 'true', 'false'):
                raise ValueError('%s: type check (\'boolean\') failed - got \'%s\'' % (key, net[key]))
            net[key] = '1' if low in ('1', 'yes', 'on', 'true') else '0'
    for key, low, high in (('tag', 1, 4094), ('queues', 0, 64), ('mtu', 1, 65520)):
        if key in net:
            if not re.match(r'^\d+$', net[key]):
                raise ValueError("%s: type check ('integer') failed - got '%s'" % (key, net[key]))
            if not low <= int(net[key]) <= high:
                raise ValueError('%s: value must have a %s value of %d'
                                 % (key, 'minimum' if int(net[key]) < low else 'maximum',
                                    low if int(net[key]) < low else high))
    if 'rate' in net:
        try:
            if float(net['rate']) < 0:
                raise ValueError('rate: value must have a minimum value of 0')
        except ValueError as e:
            raise ValueError(str(e) if 'minimum' in str(e) else
                             "rate: type check ('number') failed - got '%s'" % net['rate'])
    if 'trunks' in net and not re.match(r'^\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*$', net['trunks']):
        raise ValueError("trunks: invalid format - value does not look like a valid VLAN id list")
    if 'bridge' in net and not re.match(r'^[-_.\w\d]+$', net['bridge']):
        raise ValueError("bridge: invalid format - '%s' is not a valid bridge name" % net['bridge'])
    return net


def print_net(net):
    """print_net: 'model=MAC' first, then the other keys in sorted order."""
    parts = ['%s=%s' % (net['model'], net['macaddr'])]
    parts += ['%s=%s' % (key, net[key]) for key in sorted(net) if key not in ('model', 'macaddr')]
    return ','.join(parts)


# The layout of a node without an /etc/network/interfaces of its own (or one that declares no
# bridge): the lab's default bridge vmbr0 with an uplink.
DEFAULT_INTERFACES = """auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet manual
\tbridge-ports eno1
\tbridge-stp off
\tbridge-fd 0
"""

NETWORK_TYPES = ['bridge', 'bond', 'eth', 'alias', 'vlan', 'OVSBridge', 'OVSBond', 'OVSPort', 'OVSIntPort',
                 'vxlan', 'dummy', 'unknown']
BRIDGE_TYPES = ('bridge', 'OVSBridge')


def _iface_type(name, options):
    """The type pve-common's __read_etc_network_interfaces gives an interface (enough of it for the lab)."""
    if 'ovs_type' in options:
        return options['ovs_type']
    if 'bridge_ports' in options:
        return 'bridge'
    if 'bond_slaves' in options or 'slaves' in options:
        return 'bond'
    if 'vlan-raw-device' in options or re.match(r'^\S+\.\d+$', name) or re.match(r'^vlan\d+$', name):
        return 'vlan'
    if ':' in name:
        return 'alias'
    if re.match(r'^(?:eth\d+|en[a-z0-9]+)$', name):
        return 'eth'
    if 'vxlan-id' in options:
        return 'vxlan'
    if 'link-type' in options and options['link-type'] == 'dummy':
        return 'dummy'
    return 'unknown'


def parse_interfaces(text):
    """/etc/network/interfaces -> the objects of 'pvesh get /nodes/{node}/network' (lo removed).

    Values read from the file stay strings ("bridge_fd":"0", "mtu":"9000", "netmask":"24"); computed
    ones are numbers ("priority":3, "active":1, a defaulted "bridge_fd":0), as the reference warns.
    """
    ifaces = {}
    order = []
    auto = set()
    current = None
    for raw in text.split('\n'):
        line = raw.strip()
        if not line:
            continue
        words = line.split()
        if words[0] in ('auto', 'allow-hotplug', 'allow-auto'):
            auto.update(words[1:])
            current = None
            continue
        if words[0] in ('source', 'source-directory', 'mapping'):
            current = None
            continue
        if words[0] == 'iface' and len(words) >= 3:
            name, family = words[1], words[2]
            method = words[3] if len(words) > 3 else 'manual'
            if name not in ifaces:
                ifaces[name] = {'options': {}, 'families': [], 'comments': ''}
                order.append(name)
            entry = ifaces[name]
            entry['families'].append(family)
            entry['method6' if family == 'inet6' else 'method'] = method
            current = (name, family)
            continue
        if current is None:
            continue
        entry = ifaces[current[0]]
        if line.startswith('#'):
            entry['comments'] += line[1:].lstrip() + '\n'
            continue
        key = words[0].replace('-', '_') if words[0].startswith(('bridge', 'bond')) else words[0]
        value = ' '.join(words[1:])
        if current[1] == 'inet6' and key in ('address', 'netmask', 'gateway'):
            key += '6'
        entry['options'][key] = value
    result = []
    # Priorities count the file's stanzas from 2 on.
    for priority, name in enumerate(order, start=2):
        if name == 'lo':
            continue
        entry = ifaces[name]
        opts = entry['options']
        kind = _iface_type(name, opts)
        item = {'iface': name, 'type': kind, 'priority': priority,
                'method': entry.get('method', 'manual'), 'method6': entry.get('method6', 'manual'),
                'families': entry['families'] or ['inet']}
        if name in auto:
            item['autostart'] = 1
            item['active'] = 1
        if kind == 'eth':
            item['exists'] = 1
        for fam, suffix in (('', ''), ('6', '6')):
            address = opts.get('address' + suffix)
            if address:
                if '/' in address:
                    address, mask = address.split('/', 1)
                else:
                    mask = opts.get('netmask' + suffix)
                item['address' + suffix] = address
                if mask:
                    item['netmask' + suffix] = mask
                    item['cidr' + suffix] = '%s/%s' % (address, mask)
            if opts.get('gateway' + suffix):
                item['gateway' + suffix] = opts['gateway' + suffix]
        if entry['comments']:
            item['comments'] = entry['comments']
        if 'mtu' in opts:
            item['mtu'] = opts['mtu']
        if kind == 'bridge':
            ports = opts.get('bridge_ports', '')
            item['bridge_ports'] = '' if ports == 'none' else ' '.join(sorted(ports.split()))
            item['bridge_stp'] = 'on' if opts.get('bridge_stp') in ('on', 'yes') else 'off'
            if 'bridge_fd' in opts:
                item['bridge_fd'] = opts['bridge_fd']
            elif item['bridge_stp'] == 'off':
                item['bridge_fd'] = 0
            if opts.get('bridge_vlan_aware') in ('yes', 'on', '1'):
                item['bridge_vlan_aware'] = 1
            if 'bridge_vids' in opts:
                item['bridge_vids'] = opts['bridge_vids']
        if kind == 'OVSBridge' and 'ovs_ports' in opts:
            item['ovs_ports'] = opts['ovs_ports']
        if kind == 'bond':
            item['slaves'] = opts.get('bond_slaves', opts.get('slaves', ''))
            if 'bond_mode' in opts:
                item['bond_mode'] = opts['bond_mode']
        if kind == 'vlan':
            match = re.match(r'^(\S+)\.(\d+)$', name)
            if 'vlan-raw-device' in opts or match:
                item['vlan-raw-device'] = opts.get('vlan-raw-device', match.group(1) if match else '')
            if 'vlan-id' in opts or match:
                item['vlan-id'] = opts.get('vlan-id', match.group(2) if match else '')
        result.append(item)
    return result


def node_interfaces_text():
    try:
        with open(rpath('/etc/network/interfaces')) as f:
            text = f.read()
    except OSError:
        return DEFAULT_INTERFACES
    if not [i for i in parse_interfaces(text) if i['type'] in BRIDGE_TYPES]:
        return DEFAULT_INTERFACES
    return text


def node_networks():
    """The node's interfaces as 'pvesh get /nodes/{node}/network' lists them (in file order here)."""
    return parse_interfaces(node_interfaces_text())


def node_bridges():
    """The bridges of this node (Linux and OVS) from /etc/network/interfaces.

    A node whose file is missing or declares none has the lab's default bridge vmbr0.
    """
    return {i['iface'] for i in node_networks() if i['type'] in BRIDGE_TYPES}


# ------------------------------------------------------ running state
#
# A running VM is a real process: /bin/sleep started with argv[0]
# 'kvm -id $vmid ...', so that killing a lab host's processes also stops its
# VMs and 'ps' shows something like a node.  /run/qemu-server/$vmid.pid holds
# 'pid starttime' so a reused pid is not mistaken for the VM.

def _proc_starttime(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(')') + 2:].split()
    if fields[0] in ('Z', 'X'):
        return None
    return fields[19]


def pidfile(vmid):
    return os.path.join(run_dir(), '%s.pid' % vmid)


def _state_flag(vmid):
    return os.path.join(run_dir(), '%s.qmpstatus' % vmid)


def vm_pid(vmid):
    try:
        with open(pidfile(vmid)) as f:
            pid_s, start = f.read().split()[:2]
        pid = int(pid_s)
    except (OSError, ValueError):
        return None
    if _proc_starttime(pid) != start:
        return None
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmd = f.read()
    except OSError:
        return None
    if not cmd.startswith(b'kvm -id %d ' % int(vmid)):
        return None
    return pid


def vm_running(vmid):
    return vm_pid(vmid) is not None


def qmp_status(vmid):
    """'running', 'paused', 'prelaunch' or 'stopped'."""
    if not vm_running(vmid):
        return 'stopped'
    try:
        with open(_state_flag(vmid)) as f:
            return f.read().strip() or 'running'
    except OSError:
        return 'running'


def set_qmp_status(vmid, status):
    if status == 'running':
        try:
            os.unlink(_state_flag(vmid))
        except FileNotFoundError:
            pass
    else:
        with open(_state_flag(vmid), 'w') as f:
            f.write(status + '\n')


def vm_started_at(vmid):
    try:
        return os.stat(pidfile(vmid)).st_mtime
    except OSError:
        return None


def vm_uptime(vmid):
    try:
        return max(0, int(time.time() - os.stat(pidfile(vmid)).st_mtime))
    except OSError:
        return 0


def start_vm_process(vmid, conf, status='running'):
    ensure_dir(run_dir())
    name = conf.get('name', 'VM%s' % vmid).replace(' ', '_')
    argv0 = 'kvm -id %s -name %s,debug-threads=on -m %s' % (vmid, name, mem_mb(conf))
    # A VM started paused for a backup ('prelaunch') never boots its guest: no halt, no agent.
    guest = (read_guest_marker(conf) or {}) if status == 'running' else {}
    halt = guest.get('halt-after', 0)
    # A guest whose marker says halt-after=N powers itself off N seconds after boot: its process ends.
    proc = subprocess.Popen([argv0, str(halt) if halt > 0 else 'infinity'], executable='/bin/sleep',
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            close_fds=True, cwd='/')
    start = None
    for _ in range(200):
        start = _proc_starttime(proc.pid)
        if start:
            break
        time.sleep(0.005)
    # What this boot's guest does, fixed at start like a booted OS; the QGA channel exists only when
    # the config enabled the agent at start (qemu-server adds its chardev then).
    with open(_guest_file(vmid), 'w') as f:
        f.write(format_guest_settings(dict(guest, qga=1 if agent_enabled(conf) else 0)) + '\n')
    tmp = pidfile(vmid) + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d %s\n' % (proc.pid, start))
    os.rename(tmp, pidfile(vmid))
    set_qmp_status(vmid, status)
    return proc.pid


def stop_vm_process(vmid, timeout=5):
    pid = vm_pid(vmid)
    if pid:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
        deadline = time.time() + timeout
        while time.time() < deadline and vm_pid(vmid):
            time.sleep(0.01)
        if vm_pid(vmid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        # The VM process is not our child when another command started it.
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
    for path in (pidfile(vmid), _state_flag(vmid), _guest_file(vmid)):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


# ------------------------------------------------------ the lab's guests
#
# A lab VM has no OS; what its guest does travels with its data, like a real guest's OS, so it
# survives backup and restore: a marker line at the start of the VM's first disk,
#     DRLAB-GUEST agent=1 boot=2 halt-after=0 acpi=1
# agent=1: a QEMU guest agent runs once 'boot' seconds have passed since start; halt-after=N: the
# guest powers off N s after start (0: never); acpi=0: it ignores ACPI power button presses.
# A disk without a marker is a guest without an agent that never halts and obeys ACPI.

GUEST_MAGIC = b'DRLAB-GUEST'
GUEST_MARKER_SIZE = 512
GUEST_KEYS = ('agent', 'boot', 'halt-after', 'acpi')
GUEST_DEFAULTS = {'agent': 0, 'boot': 0, 'halt-after': 0, 'acpi': 1}


def parse_guest_marker(data):
    """The settings of a marker at the start of 'data' (bytes), or None when there is none."""
    if not data.startswith(GUEST_MAGIC + b' ') and data[:len(GUEST_MAGIC) + 1] != GUEST_MAGIC + b'\n':
        return None
    line = data.split(b'\n', 1)[0].split(b'\0', 1)[0].decode('ascii', 'replace')
    settings = dict(GUEST_DEFAULTS)
    for word in line.split()[1:]:
        key, sep, value = word.partition('=')
        if sep and key in GUEST_KEYS and re.match(r'^\d{1,6}$', value):
            settings[key] = int(value)
    return settings


def format_guest_settings(settings):
    return ' '.join('%s=%d' % (key, settings[key]) for key in sorted(settings))


def format_guest_marker(settings):
    """The marker's 512 bytes: the line, then zeros."""
    full = dict(GUEST_DEFAULTS)
    full.update(settings)
    line = (GUEST_MAGIC.decode() + ' ' + ' '.join('%s=%d' % (k, full[k]) for k in GUEST_KEYS) + '\n').encode()
    return line + bytes(GUEST_MARKER_SIZE - len(line))


def first_disk_path(conf):
    disk = boot_disk(conf)
    if not disk:
        return None
    try:
        return volume_path(parse_drive(conf[disk])[0])
    except PveError:
        return None


def read_guest_marker(conf):
    path = first_disk_path(conf)
    if not path:
        return None
    try:
        with open(path, 'rb') as f:
            return parse_guest_marker(f.read(GUEST_MARKER_SIZE))
    except OSError:
        return None


def _guest_file(vmid):
    return os.path.join(run_dir(), '%s.guest' % vmid)


def running_guest(vmid):
    """This boot's guest settings (with qga=1 when its agent channel exists), or None when not running."""
    if not vm_running(vmid):
        return None
    settings = dict(GUEST_DEFAULTS, qga=0)
    try:
        with open(_guest_file(vmid)) as f:
            for word in f.read().split():
                key, _, value = word.partition('=')
                if value.isdigit():
                    settings[key] = int(value)
    except OSError:
        pass
    return settings


def agent_enabled(conf):
    """The 'agent' option: '[enabled=]<1|0>[,freeze-fs=...,...]'."""
    value = conf.get('agent')
    if value is None:
        return False
    for part in value.split(','):
        key, sep, val = part.partition('=')
        if not sep:
            return key.strip().lower() in BOOL_TRUE
        if key.strip() == 'enabled':
            return val.strip().lower() in BOOL_TRUE
    return False


# ------------------------------------------------------ CLI arguments

BOOL_TRUE = ('1', 'yes', 'on', 'true')
BOOL_FALSE = ('0', 'no', 'off', 'false')


class Spec:
    """The type of a CLI option (the part of PVE::JSONSchema we need)."""

    def __init__(self, type_, enum=None, minimum=None, maximum=None, check=None):
        self.type = type_
        self.enum = enum
        self.minimum = minimum
        self.maximum = maximum
        self.check = check      # callable(value) -> error text or None


def _perl_num(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def check_value(spec, value):
    """Return (converted value, error text or None)."""
    if spec.type == 'boolean':
        text = str(value).lower()
        if text == '' or text in BOOL_TRUE:
            return 1, None
        if text in BOOL_FALSE:
            return 0, None
        return None, 'unable to parse boolean option'
    if spec.type == 'integer':
        if not re.match(r'^[+-]?\d+$', str(value)):
            return None, "type check ('integer') failed - got '%s'" % value
        num = int(value)
    elif spec.type == 'number':
        try:
            num = float(value)
        except ValueError:
            return None, "type check ('number') failed - got '%s'" % value
    else:
        num = None
    if num is not None:
        if spec.minimum is not None and num < spec.minimum:
            return None, 'value must have a minimum value of %s' % _perl_num(spec.minimum)
        if spec.maximum is not None and num > spec.maximum:
            return None, 'value must have a maximum value of %s' % _perl_num(spec.maximum)
        return num, None
    if spec.enum is not None and str(value) not in spec.enum:
        return None, "value '%s' does not have a value in the enumeration '%s'" % (value, ', '.join(spec.enum))
    if spec.check is not None:
        err = spec.check(str(value))
        if err:
            return None, err
    return str(value), None


def parse_args(argv, specs, positional, usage, optional_positional=()):
    """Getopt::Long-like parsing as PVE's CLIHandler does it.

    Accepts '--opt value', '-opt value' and '--opt=value'; a boolean option
    takes the next argument as its value unless that starts with '-' (PVE
    declares booleans 'opt:s'); positional arguments may be anywhere.
    Returns (opts, order) where order lists the option names as given.
    """
    opts = {}
    order = []
    args = []
    errors = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith('-') and len(arg) > 1 and not re.match(r'^-\d', arg):
            name = arg.lstrip('-')
            value = None
            if '=' in name:
                name, value = name.split('=', 1)
            if name not in specs:
                raise PveError('Unknown option: %s\n400 unable to parse option\n%s' % (name, usage))
            spec = specs[name]
            if value is None:
                if spec.type == 'boolean':
                    if i + 1 < len(argv) and not argv[i + 1].startswith('-'):
                        value = argv[i + 1]
                        i += 1
                    else:
                        value = ''
                else:
                    if i + 1 >= len(argv):
                        raise PveError('Option %s requires an argument\n400 unable to parse option\n%s'
                                       % (name, usage))
                    value = argv[i + 1]
                    i += 1
            conv, err = check_value(spec, value)
            if err:
                errors.append((name, err))
            else:
                opts[name] = conv
                if name not in order:
                    order.append(name)
        else:
            args.append(arg)
        i += 1
    names = list(positional) + list(optional_positional)
    if len(args) > len(names):
        raise PveError('400 too many arguments\n%s' % usage)
    for name, value in zip(names, args):
        opts[name] = value
    missing = [n for n in positional if n not in opts]
    for name in missing:
        errors.append((name, 'property is missing'))
    if errors:
        raise ParamError(errors, usage)
    return opts, order


def check_vmid_param(name, value, usage):
    """pve-vmid: an integer 100..999999999."""
    if not re.match(r'^[+-]?\d+$', str(value)):
        raise ParamError([(name, "type check ('integer') failed - got '%s'" % value)], usage)
    num = int(value)
    if num < 100:
        raise ParamError([(name, 'value must have a minimum value of 100')], usage)
    if num > 999999999:
        raise ParamError([(name, 'value must have a maximum value of 999999999')], usage)
    return num


class Interrupted(Exception):
    pass


def install_interrupt_handlers():
    """SIGINT/TERM/HUP (e.g. the SSH session going away) end a task cleanly."""
    import signal

    def handler(signum, frame):
        raise Interrupted('interrupted by signal')

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def run_main(func, argv):
    """Run a CLI entry point: PveError -> its message on stderr and its exit code."""
    try:
        rc = func(argv)
        sys.stdout.flush()
        return rc or 0
    except PveError as e:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        msg = e.msg if e.msg.endswith('\n') else e.msg + '\n'
        sys.stderr.write(msg)
        sys.stderr.flush()
        return e.code
    except (KeyboardInterrupt, Interrupted):
        sys.stderr.write('interrupted by signal\n')
        return 255
    except BrokenPipeError:
        return 255


def sha256_file(path, chunk=1 << 20):
    """SHA-256 of a (sparse) file; holes are hashed without reading them."""
    digest = hashlib.sha256()
    zeros = bytes(chunk)
    size = os.path.getsize(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        pos = 0
        for start, end in data_ranges(fd, size):
            while pos < start:
                n = min(chunk, start - pos)
                digest.update(zeros[:n] if n < chunk else zeros)
                pos += n
            while pos < end:
                data = os.pread(fd, min(chunk, end - pos), pos)
                if not data:
                    raise PveError("short read on '%s'" % path)
                digest.update(data)
                pos += len(data)
        while pos < size:
            n = min(chunk, size - pos)
            digest.update(zeros[:n] if n < chunk else zeros)
            pos += n
    finally:
        os.close(fd)
    return digest.hexdigest()


def data_ranges(fd, size):
    """Yield (start, end) of the data regions of a (sparse) file."""
    import errno
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError as e:
            if e.errno == errno.ENXIO:
                return
            yield pos, size     # no SEEK_DATA support: all data
            return
        if start >= size:
            return
        try:
            end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
        except OSError:
            end = size
        yield start, end
        pos = end


def destroy_disks(vmid, conf):
    """Free the volumes in a VM's config that live in its own images directory."""
    for key, value in conf.items():
        if not (DRIVE_KEY_RE.match(key) or re.match(r'^unused\d+$', key)):
            continue
        file, opts = parse_drive(value)
        if not file or opts.get('media') == 'cdrom' or file in ('none', 'cdrom'):
            continue
        try:
            path = volume_path(file)
        except PveError:
            continue
        if path.startswith(images_dir(vmid) + os.sep):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
