#!/usr/bin/python3
"""'lab.sh status [--json]': what the lab's hosts look like from the portal's side.

The JSON form is read by other tooling and keeps this shape:
  {"bridge": "drlab0",
   "hosts": [{"name", "address", "site", "kind": "proxmox|libvirt", "sshd": "running|stopped",
              "hostKey": "ssh-ed25519 AAAA...", "fingerprint": "SHA256:...",
              "link": "up|down", "rate": null | "42mbit",
              "delay": null | "5ms", "passwordLogin": bool, "dumpFree": null | "10M"}]}
Hosts are sorted by address.  A lab that is down has no hosts.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def host_env(path):
    env = {}
    for line in (read(path, '') or '').splitlines():
        if '=' in line:
            key, value = line.split('=', 1)
            env[key] = value
    return env


def sshd_state(hd, netns, address):
    pid = read(os.path.join(hd, 'ssh', 'sshd.pid'))
    if not pid or not pid.isdigit() or 'sshd' not in (read('/proc/%s/comm' % pid, '') or ''):
        return 'stopped'
    try:
        out = subprocess.run(['ss', '-N', netns, '-Hltn'], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 'stopped'
    listening = any(len(f) >= 4 and f[3] == '%s:22' % address for f in (line.split() for line in out.splitlines()))
    return 'running' if listening else 'stopped'


def host_key(hd):
    line = read(os.path.join(hd, 'ssh', 'ssh_host_ed25519_key.pub'), '') or ''
    parts = line.split()
    if len(parts) < 2:
        return None, None
    blob = base64.b64decode(parts[1])
    fingerprint = 'SHA256:' + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip('=')
    return '%s %s' % (parts[0], parts[1]), fingerprint


def link_state(veth):
    flags = read('/sys/class/net/%s/flags' % veth)
    if flags is None:
        return 'down'
    return 'up' if int(flags, 16) & 1 else 'down'


def shaped(veth, hd):
    rate = read(os.path.join(hd, 'shape.rate'))
    if not rate:
        return None, None
    try:
        out = subprocess.run(['tc', 'qdisc', 'show', 'dev', veth], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ''
    if 'tbf' not in out:
        return None, None
    return rate, read(os.path.join(hd, 'shape.delay'))


def kind_of(name):
    """As lab.sh: kvm-* hosts run libvirt, every other host emulates Proxmox."""
    return 'libvirt' if name.startswith('kvm-') else 'proxmox'


def collect(state, bridge):
    hosts = []
    hosts_dir = os.path.join(state, 'hosts')
    names = sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []
    for name in names:
        hd = os.path.join(hosts_dir, name)
        env = host_env(os.path.join(hd, 'host.env'))
        if not env:
            continue
        key, fingerprint = host_key(hd)
        rate, delay = shaped(env['VETH'], hd)
        hosts.append({
            'name': env['NAME'],
            'address': env['ADDR'],
            'site': env['SITE'],
            'kind': env.get('KIND') or kind_of(env['NAME']),
            'sshd': sshd_state(hd, env['NETNS'], env['ADDR']),
            'hostKey': key,
            'fingerprint': fingerprint,
            'link': link_state(env['VETH']),
            'rate': rate,
            'delay': delay,
            'passwordLogin': os.path.exists(os.path.join(hd, 'password.on')),
            'dumpFree': read(os.path.join(hd, 'fill.free')),
        })
    hosts.sort(key=lambda h: tuple(int(x) for x in h['address'].split('.')))
    return {'bridge': bridge, 'hosts': hosts}


def main(argv):
    state, bridge = argv[0], argv[1]
    as_json = '--json' in argv[2:]
    unknown = [a for a in argv[2:] if a != '--json']
    if unknown:
        sys.stderr.write('lab: unknown option for status: %s\n' % unknown[0])
        return 2
    data = collect(state, bridge)
    if as_json:
        print(json.dumps(data, indent=2))
        return 0
    if not data['hosts']:
        print('the lab is down')
        return 0
    print('bridge %s 10.250.0.1/24' % bridge)
    print('%-10s %-12s %-9s %-8s %-8s %-5s %-14s %s' % ('HOST', 'ADDRESS', 'SITE', 'KIND', 'SSHD', 'LINK',
                                                         'SHAPING', 'HOST KEY FINGERPRINT'))
    for h in data['hosts']:
        shaping = '-' if not h['rate'] else h['rate'] + ('/' + h['delay'] if h['delay'] else '')
        print('%-10s %-12s %-9s %-8s %-8s %-5s %-14s %s' % (h['name'], h['address'], h['site'], h['kind'],
                                                             h['sshd'], h['link'], shaping, h['fingerprint']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
