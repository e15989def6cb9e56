#!/usr/bin/python3
"""Seeds a running DrPortal with the lab for `./dr demo`.

Creates the administrator on a fresh portal (random password, written once to a 0600 file and
printed), authorises the portal's key on every lab host, registers the hosts marked as lab data,
pins their host keys after comparing the portal's view of each fingerprint with the lab's own,
creates a few VMs with real disks on the primary hosts (Proxmox VMs and a libvirt domain) and a pair
for the domain, so both kinds are there to try. Running it again changes nothing that is already there.

usage: demo_seed.py PORTAL_URL DATA_DIR
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

LAB_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lab.sh')
NOTES = {'proxmox': 'LAB DATA: emulated Proxmox host from ./dr demo, not a real node.',
         'libvirt': 'LAB DATA: lab libvirt host from ./dr demo (real libvirtd and QEMU in a namespace).'}
DEMO_VMS = [('pve-dc1', 100, 'web01', '256M', True), ('pve-dc1', 101, 'db01', '256M', True),
            ('pve-dc2', 200, 'app01', '128M', False)]
# Small: QEMU runs under TCG on the lab machines, so a bigger domain only makes the first replicate slow.
DEMO_DOMAINS = [('kvm-dc1', 'web11', '64M', True)]
DEMO_PAIRS = [('kvm-dc1', 'web11', 'kvm-dr1', 'web11-dr')]


def lab(*args):
    return subprocess.run(['bash', LAB_SH] + [str(a) for a in args], check=True, capture_output=True, text=True).stdout


class Portal:
    def __init__(self, url):
        self.url = url.rstrip('/')
        self.token = None

    def call(self, method, path, body=None, ok=(200, 201, 202)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header('Content-Type', 'application/json')
        if self.token:
            req.add_header('Authorization', 'Bearer ' + self.token)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                text = resp.read().decode()
                return resp.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            if e.code in ok:
                return e.code, (json.loads(text) if text else None)
            return e.code, text

    def wait_until_up(self, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + '/openapi/v1.json', timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(1)
        sys.exit('demo: the portal did not come up on ' + self.url)


def main():
    url, data_dir = sys.argv[1], sys.argv[2]
    portal = Portal(url)
    user, password = seed(portal, data_dir, create_vms=True)
    print()
    print('DrPortal demo is ready at %s' % url)
    print('  user: %s   password: %s   (also in %s)' % (user, password, os.path.join(data_dir, 'demo-admin.txt')))
    print('  Lab hosts are registered and trusted; VMs 100, 101 on pve-dc1 and 200 on pve-dc2 (Proxmox),')
    print('  domain web11 on kvm-dc1 (libvirt) with its pair kvm-dc1/web11 -> kvm-dr1/web11-dr.')
    print('  Next: VM pairs -> Add (pve-dc1/100 -> pve-dr1/9100) -> Replicate; or Replicate the libvirt pair.')


def seed(portal, data_dir, create_vms):
    """Admin, portal key on every lab host, hosts registered and trusted; leaves portal.token set."""
    portal.wait_until_up()

    creds_file = os.path.join(data_dir, 'demo-admin.txt')
    if not os.path.exists(creds_file):
        password = secrets.token_urlsafe(18)
        status, body = portal.call('POST', '/api/v1/setup', {'userName': 'admin', 'password': password})
        if status == 409:
            sys.exit('demo: this portal already has users but no demo credentials; use a fresh DRPORTAL_DATA.')
        if status not in (200, 201):
            sys.exit('demo: setup failed: %s' % body)
        fd = os.open(creds_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write('admin\n%s\n' % password)
    with open(creds_file) as f:
        user, password = f.read().split('\n')[:2]

    status, body = portal.call('POST', '/api/v1/auth/tokens', {'userName': user, 'password': password, 'name': 'demo-seed-%d' % time.time()})
    if status != 200:
        sys.exit('demo: could not log in as %s: %s' % (user, body))
    portal.token = body['token']
    token_id = body['id']

    _, key = portal.call('GET', '/api/v1/settings/ssh-public-key')
    key_file = os.path.join(data_dir, 'portal-key.pub')
    with open(key_file, 'w') as f:
        f.write(key['authorizedKeysLine'] + '\n')
    lab('authorize', key_file)

    _, existing = portal.call('GET', '/api/v1/hypervisors')
    by_name = {h['name']: h for h in existing}
    for host in json.loads(lab('status', '--json'))['hosts']:
        kind = host.get('kind', 'proxmox')
        h = by_name.get(host['name'])
        if h is None:
            # No staging directory given: each kind's default (/var/lib/vz/dump, /var/lib/libvirt/drportal), which the lab makes.
            status, h = portal.call('POST', '/api/v1/hypervisors', {
                'name': host['name'], 'address': host['address'], 'sshPort': 22,
                'kind': 'Libvirt' if kind == 'libvirt' else 'Proxmox',
                'site': 'Recovery' if host['site'] == 'recovery' else 'Primary',
                'sshUser': 'root', 'note': NOTES.get(kind, NOTES['proxmox'])})
            if status != 201:
                sys.exit('demo: registering %s failed: %s' % (host['name'], h))
        if not h.get('hostKeyTrusted'):
            _, presented = portal.call('GET', '/api/v1/hypervisors/%d/hostkey' % h['id'])
            if presented['fingerprint'] != host['fingerprint']:
                sys.exit('demo: %s presents %s but the lab says %s; not trusting it.'
                         % (host['name'], presented['fingerprint'], host['fingerprint']))
            portal.call('POST', '/api/v1/hypervisors/%d/trust' % h['id'], {'fingerprint': host['fingerprint']})
        by_name[host['name']] = h
        print('  %-8s %-12s %-8s %-8s key %s' % (host['name'], host['address'], host['site'], kind, host['fingerprint']))

    for name, vmid, vm_name, size, running in (DEMO_VMS if create_vms else []):
        if str(vmid) not in [line.split()[0] for line in lab('vm', 'list', name).splitlines() if line.strip()]:
            args = ['vm', 'create', name, vmid, '--name', vm_name, '--size', size, '--fill', '0.5']
            lab(*(args + (['--running'] if running else [])))
    for name, domain, size, running in (DEMO_DOMAINS if create_vms else []):
        if name in by_name and domain not in [line.split()[0] for line in lab('vm', 'list', name).splitlines() if line.strip()]:
            args = ['vm', 'create', name, domain, '--size', size, '--fill', '0.5', '--memory', '32']
            lab(*(args + (['--running'] if running else [])))
    if create_vms:
        _, pairs = portal.call('GET', '/api/v1/pairs')
        for source, domain, target, target_domain in DEMO_PAIRS:
            if source not in by_name or target not in by_name:
                continue  # a lab without the libvirt hosts: the Proxmox part of the demo still stands
            if any(p['sourceHypervisorId'] == by_name[source]['id'] and p['sourceVm'] == domain for p in pairs):
                continue
            status, body = portal.call('POST', '/api/v1/pairs', {
                'sourceHypervisorId': by_name[source]['id'], 'sourceVm': domain,
                'targetHypervisorId': by_name[target]['id'], 'targetVm': target_domain,
                'replicaStart': 'Connected', 'note': 'LAB DATA: demo pair from ./dr demo.'})
            if status != 201:
                sys.exit('demo: the pair %s/%s -> %s/%s failed: %s' % (source, domain, target, target_domain, body))
    if create_vms:
        portal.call('DELETE', '/api/v1/auth/tokens/%d' % token_id)
        portal.token = None
    return user, password


if __name__ == '__main__':
    main()
