"""pvesh: the read-only part of the API shell that DrPortal may use."""

import json
import os
import random
import re
import sys
import time

from .common import (
    PveError, ParamError, Spec, parse_args, nodename, list_vmids, load_config, storage_base,
    default_dumpdir, run_main, node_networks, PVE_VERSION, PVE_RELEASE, PVE_REPOID, LOCAL_STORAGE)
from .qm import status_dict

FORMATS = ['text', 'json', 'json-pretty', 'yaml']

COMMON_SPECS = {
    'output-format': Spec('string', enum=FORMATS),
    'noborder': Spec('boolean'),
    'noheader': Spec('boolean'),
    'human-readable': Spec('boolean'),
    'quiet': Spec('boolean'),
}

BACKUP_RE = re.compile(r'^vzdump-(qemu|lxc|openvz)-(\d+)-(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})'
                       r'\.(vma|tar)(\.(gz|lzo|zst|bz2))?$')


def _meminfo():
    info = {}
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                key, value = line.split(':', 1)
                info[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return info


def _uptime():
    try:
        with open('/proc/uptime') as f:
            return int(float(f.read().split()[0]))
    except OSError:
        return 0


def _storage_usage():
    base = storage_base()
    os.makedirs(base, exist_ok=True)
    st = os.statvfs(base)
    total = st.f_blocks * st.f_frsize
    avail = st.f_bavail * st.f_frsize
    return total, total - st.f_bfree * st.f_frsize, avail


def vm_resources():
    node = nodename()
    result = []
    for vmid in list_vmids():
        try:
            conf, _ = load_config(vmid)
        except PveError:
            continue
        st = status_dict(vmid, conf)
        item = {
            'id': 'qemu/%d' % vmid, 'vmid': vmid, 'node': node, 'type': 'qemu',
            'status': 'running' if st['status'] != 'stopped' else 'stopped',
            'name': st['name'], 'uptime': st['uptime'], 'template': 1 if conf.get('template') == '1' else 0,
            'maxcpu': st['cpus'], 'cpu': 0.0123 if st['status'] != 'stopped' else 0,
            'maxmem': st['maxmem'], 'mem': st['mem'], 'maxdisk': st['maxdisk'], 'disk': 0,
            'netin': 0, 'netout': 0, 'diskread': 0, 'diskwrite': 0,
        }
        if conf.get('lock'):
            item['lock'] = conf['lock']
        if conf.get('tags'):
            item['tags'] = conf['tags']
        result.append(item)
    return result


def node_resource():
    node = nodename()
    mem = _meminfo()
    total, used, _ = _storage_usage()
    return {'id': 'node/%s' % node, 'type': 'node', 'node': node, 'status': 'online', 'level': '',
            'cpu': 0.01, 'maxcpu': os.cpu_count() or 1, 'mem': mem.get('MemTotal', 0) - mem.get('MemAvailable', 0),
            'maxmem': mem.get('MemTotal', 0), 'disk': used, 'maxdisk': total, 'uptime': _uptime(),
            'cgroup-mode': 2}


def storage_resource():
    node = nodename()
    total, used, _ = _storage_usage()
    return {'id': 'storage/%s/%s' % (node, LOCAL_STORAGE), 'type': 'storage', 'node': node,
            'storage': LOCAL_STORAGE, 'status': 'available', 'plugintype': 'dir',
            'content': 'backup,iso,vztmpl', 'shared': 0, 'disk': used, 'maxdisk': total}


def backup_content(vmid=None):
    result = []
    dumpdir = default_dumpdir()
    try:
        names = sorted(os.listdir(dumpdir))
    except OSError:
        return result
    for name in names:
        match = BACKUP_RE.match(name)
        if not match:
            continue
        if vmid is not None and int(match.group(2)) != vmid:
            continue
        path = os.path.join(dumpdir, name)
        ctime = int(time.mktime(tuple(int(match.group(i)) for i in range(3, 9)) + (0, 0, -1)))
        item = {'volid': '%s:backup/%s' % (LOCAL_STORAGE, name), 'content': 'backup', 'ctime': ctime,
                'format': match.group(9) + (match.group(10) or ''), 'size': os.path.getsize(path),
                'subtype': match.group(1), 'vmid': int(match.group(2))}
        try:
            with open(path + '.notes') as f:
                item['notes'] = f.read()
        except OSError:
            pass
        if os.path.exists(path + '.protected'):
            item['protected'] = 1
        result.append(item)
    return result


# 'pvesh get /nodes/{node}/network --type': vxlan, dummy and unknown occur as types but are refused as filters.
NETWORK_FILTERS = ['bridge', 'bond', 'eth', 'alias', 'vlan', 'fabric', 'OVSBridge', 'OVSBond', 'OVSPort',
                   'OVSIntPort', 'vnet', 'any_bridge', 'any_local_bridge', 'include_sdn']


def networks(o):
    """The node's interfaces; the lab has no SDN, so the SDN filters add nothing."""
    kind = o.get('type')
    items = node_networks()
    if kind in ('any_bridge', 'any_local_bridge'):
        items = [i for i in items if i['type'] in ('bridge', 'OVSBridge')]
    elif kind not in (None, 'include_sdn'):
        items = [i for i in items if i['type'] == kind]
    # hash_to_array walks a Perl hash: the order is not stable, and nothing may rely on it.
    random.shuffle(items)
    return items


def route(path, opts):
    """(schema of extra parameters, handler) for an API path, as PVE's router."""
    node = nodename()
    parts = [p for p in path.split('/') if p]

    def check_node(name):
        if name not in (node, 'localhost'):
            raise PveError("hostname lookup '%s' failed - failed to get address info for: %s: "
                           "Name or service not known" % (name, name))

    if parts == ['version']:
        return {}, lambda o: {'version': PVE_VERSION, 'release': PVE_RELEASE, 'repoid': PVE_REPOID}
    if parts == ['cluster', 'resources']:
        def resources(o):
            kind = o.get('type')
            res = []
            if kind in (None, 'node'):
                res.append(node_resource())
            if kind in (None, 'storage'):
                res.append(storage_resource())
            if kind in (None, 'vm'):
                res.extend(vm_resources())
            return res
        return {'type': Spec('string', enum=['vm', 'storage', 'node', 'sdn'])}, resources
    if parts == ['nodes']:
        return {}, lambda o: [node_resource()]
    if len(parts) >= 2 and parts[0] == 'nodes':
        check_node(parts[1])
        rest = parts[2:]
        if rest == ['qemu']:
            def qemu_list(o):
                res = []
                for vmid in list_vmids():
                    conf, _ = load_config(vmid)
                    st = status_dict(vmid, conf)
                    st.pop('qmpstatus', None)
                    res.append(st)
                return res
            return {'full': Spec('boolean')}, qemu_list
        if len(rest) >= 2 and rest[0] == 'qemu' and re.match(r'^\d+$', rest[1]):
            vmid = int(rest[1])
            if rest[2:] == ['status', 'current']:
                def current(o):
                    conf, _ = load_config(vmid)
                    return status_dict(vmid, conf)
                return {}, current
            if rest[2:] == ['config']:
                def config(o):
                    conf, _ = load_config(vmid)
                    conf = dict(conf)
                    for key in ('memory', 'cores', 'sockets'):
                        if key in conf and re.match(r'^\d+$', conf[key]):
                            conf[key] = int(conf[key])
                    return conf
                return {'current': Spec('boolean'), 'snapshot': Spec('string')}, config
        if rest == ['network']:
            return {'type': Spec('string', enum=NETWORK_FILTERS)}, networks
        if rest == ['storage']:
            def storages(o):
                total, used, avail = _storage_usage()
                return [{'storage': LOCAL_STORAGE, 'type': 'dir', 'content': 'backup,iso,vztmpl', 'active': 1,
                         'enabled': 1, 'shared': 0, 'total': total, 'used': used, 'avail': avail}]
            return {'content': Spec('string')}, storages
        if rest == ['storage', LOCAL_STORAGE, 'content']:
            def content(o):
                if o.get('content') not in (None, 'backup'):
                    return []
                return backup_content(o.get('vmid'))
            return {'content': Spec('string'), 'vmid': Spec('integer', minimum=100, maximum=999999999)}, content
    return None, None


def render_text(data, opts):
    if isinstance(data, (str, int, float)) or data is None:
        return '' if data is None else str(data)
    if isinstance(data, dict):
        rows = [[k, _cell(data[k])] for k in sorted(data)]
        header = ['key', 'value']
    else:
        keys = sorted({k for item in data for k in item})
        if not keys:
            return ''
        rows = [[_cell(item.get(k, '')) for k in keys] for item in data]
        header = keys
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    if opts.get('noborder'):
        lines = []
        if not opts.get('noheader'):
            lines.append(' '.join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        lines.extend(' '.join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
        return '\n'.join(lines)

    def sep(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    lines = [sep('┌', '┬', '┐', '─')]
    if not opts.get('noheader'):
        lines.append('│' + '│'.join(' %s ' % h.ljust(w) for h, w in zip(header, widths)) + '│')
        lines.append(sep('╞', '╪', '╡', '═'))
    for i, row in enumerate(rows):
        lines.append('│' + '│'.join(' %s ' % str(c).ljust(w) for c, w in zip(row, widths)) + '│')
        if i < len(rows) - 1:
            lines.append(sep('├', '┼', '┤', '─'))
    lines.append(sep('└', '┴', '┘', '─'))
    return '\n'.join(lines)


def _cell(value):
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def render_yaml(data, indent=''):
    if isinstance(data, list):
        return '\n'.join('%s- %s' % (indent, render_yaml(item, indent + '  ').lstrip()) for item in data)
    if isinstance(data, dict):
        return '\n'.join('%s%s: %s' % (indent, k, data[k]) for k in sorted(data))
    return str(data)


def main(argv):
    if not argv:
        raise PveError('ERROR: no command specified\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]')
    cmd = argv[0]
    if cmd not in ('get', 'ls', 'set', 'create', 'delete', 'usage'):
        raise PveError("ERROR: unknown command 'pvesh %s'\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]" % cmd)
    if len(argv) < 2 or argv[1].startswith('-'):
        raise PveError('400 not enough arguments\npvesh %s <api_path> [OPTIONS] [FORMAT_OPTIONS]' % cmd)
    path = argv[1]
    specs, handler = route(path, {})
    if handler is None or cmd != 'get':
        raise PveError("No '%s' handler defined for '%s'" % (cmd, path))
    all_specs = dict(COMMON_SPECS)
    all_specs.update(specs)
    usage = 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]'
    try:
        opts, _ = parse_args(argv[2:], all_specs, [], usage)
    except PveError as e:
        if e.msg.startswith('Unknown option: '):
            name = e.msg.split('\n', 1)[0][len('Unknown option: '):]
            raise ParamError([(name, 'property is not defined in schema and the schema does not allow '
                                     'additional properties')], usage)
        raise
    data = handler(opts)
    fmt = opts.get('output-format', 'text')
    if fmt == 'json':
        sys.stdout.write(json.dumps(data, sort_keys=True, separators=(',', ':')) + '\n')
    elif fmt == 'json-pretty':
        sys.stdout.write(json.dumps(data, sort_keys=True, indent=3, separators=(',', ' : ')) + '\n')
    elif fmt == 'yaml':
        sys.stdout.write('---\n' + render_yaml(data) + '\n')
    else:
        text = render_text(data, opts)
        if text:
            sys.stdout.write(text + '\n')
    return 0


def entry():
    sys.exit(run_main(main, sys.argv[1:]))
