#!/usr/bin/python3
"""Seeds a running DrPortal with the lab for `./dr demo`.

Creates the administrator on a fresh portal (random password, written once to a 0600 file and
printed), authorises the portal's key on every lab host, registers the hosts marked as lab data,
pins their host keys after comparing the portal's view of each fingerprint with the lab's own,
creates a few VMs with real disks on the primary hosts (Proxmox VMs whose guest answers an agent, a libvirt
domain that really boots with one), pairs them to the recovery site, gives each pair its recovery settings
(boot check: 5 s running and the agent; the drill network left isolated), replicates each pair once so a drill
can run at once, and makes the plan "Web shop" (the database first, then the web VMs). Running it again
changes nothing that is already there.

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
# Replicas stay off until a failover starts them: a running clone beside its primary would share its MACs.
DEMO_PAIRS = [('pve-dc1', '101', 'pve-dr1', '9101'), ('pve-dc1', '100', 'pve-dr1', '9100'),
              ('kvm-dc1', 'web11', 'kvm-dr1', 'web11-dr')]
# The plan's groups in start order, by source VM: the database before the web servers that need it.
DEMO_PLAN = ('Web shop', 'LAB DATA: demo plan from ./dr demo: the database first, then the web servers.',
             [('Database', [('pve-dc1', '101')]), ('Web', [('pve-dc1', '100'), ('kvm-dc1', 'web11')])])
# The emulated guest's agent answers this long after its start (lab.sh vm guest --boot).
GUEST_BOOT_SECONDS = 2
FINISHED = ('Succeeded', 'SucceededWithWarnings', 'Failed', 'Cancelled')
RUN_FINISHED = ('Succeeded', 'PartlySucceeded', 'Failed', 'Cancelled')


def lab(*args):
    return subprocess.run(['bash', LAB_SH] + [str(a) for a in args], check=True, capture_output=True, text=True).stdout


def listed_vms(vm_list_output):
    """The VM ids (Proxmox) or domain names (libvirt) of `lab.sh vm list` output."""
    return {line.split()[0] for line in vm_list_output.splitlines() if line.strip()}


def agent_enabled(qm_config_output):
    """Whether `qm config` enables the guest agent: 'agent: 1' or 'agent: enabled=1,...' (Proxmox's two spellings)."""
    for line in qm_config_output.splitlines():
        key, _, value = line.partition(':')
        if key.strip() == 'agent':
            first = value.strip().split(',')[0]
            return first in ('1', 'enabled=1')
    return False


def make_agent_vm(host, vmid, name, size, running, fill='0.5'):
    """A Proxmox lab VM whose guest answers its agent GUEST_BOOT_SECONDS after start; an existing one without it gets it."""
    if str(vmid) not in listed_vms(lab('vm', 'list', host)):
        lab('vm', 'create', host, vmid, '--name', name, '--size', size, '--fill', fill)
    elif agent_enabled(lab('exec', host, '--', 'qm', 'config', vmid)):
        return False
    else:
        # Made by an older demo without an agent: the marker is written to a stopped guest only.
        lab('exec', host, '--', 'qm', 'stop', vmid)
    lab('vm', 'guest', host, vmid, '--agent', '--boot', GUEST_BOOT_SECONDS)
    lab('exec', host, '--', 'qm', 'set', vmid, '--agent', '1')
    if running:
        lab('exec', host, '--', 'qm', 'start', vmid)
    return True


def make_boot_domain(host, name, size, running, fill='0.5'):
    """A libvirt lab domain that boots the lab guest with its agent; one made by an older demo without it is made again."""
    if name in listed_vms(lab('vm', 'list', host)):
        if 'org.qemu.guest_agent.0' in lab('exec', host, '--', 'virsh', 'dumpxml', '--inactive', name):
            return False
        lab('vm', 'destroy', host, name)
    lab(*(['vm', 'create', host, name, '--size', size, '--fill', fill, '--boot', '--agent'] + (['--running'] if running else [])))
    return True


def wait_tasks(portal, task_ids, timeout=900):
    """Waits until every task has finished; exits naming the first that did not succeed."""
    deadline = time.time() + timeout
    pending = set(task_ids)
    while pending:
        for tid in sorted(pending):
            _, task = portal.call('GET', '/api/v1/tasks/%d' % tid)
            if task['status'] in FINISHED:
                if task['status'] not in ('Succeeded', 'SucceededWithWarnings'):
                    sys.exit('task %d %s: %s' % (tid, task['status'], task['error']))
                pending.discard(tid)
        if pending and time.time() > deadline:
            sys.exit('tasks %s did not finish within %d s' % (sorted(pending), timeout))
        time.sleep(0.5)


def recovery_input(stable_seconds=5, timeout_seconds=300):
    """PUT /pairs/{id}/recovery (PairRecoveryInput): failover keeps the restored networks, every drill NIC isolated
    (an empty drill mapping: link down and a new MAC), boot check 'running N s, guest agent'."""
    return {'failoverNetwork': [], 'drillNetwork': [],
            'bootCheck': {'stableSeconds': stable_seconds, 'agent': True, 'timeoutSeconds': timeout_seconds,
                          'tcpAddress': None, 'tcpPort': None, 'command': None}}


def recovery_is_default(view):
    """Whether GET /pairs/{id}/recovery shows settings nobody chose yet (BootCheck.Default, no mappings)."""
    check = view['bootCheck']
    return (not view['failoverNetwork'] and not view['drillNetwork']
            and (check['stableSeconds'], check['agent'], check['timeoutSeconds'], check.get('tcpAddress'), check.get('tcpPort'), check.get('command'))
            == (10, True, 300, None, None, None))


def plan_input(name, description, groups, timeout_seconds=600):
    """POST /plans (RecoveryPlanInput) from [(group name, [pair id, ...]), ...] in start order."""
    return {'name': name, 'description': description,
            'groups': [{'name': group, 'timeoutSeconds': timeout_seconds,
                        'members': [{'vmPairId': pair_id, 'delaySeconds': 0} for pair_id in members]}
                       for group, members in groups]}


def find_pair(pairs, source_host_id, source_vm):
    return next((p for p in pairs if p['sourceHypervisorId'] == source_host_id and p['sourceVm'] == str(source_vm)), None)


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
    print('  Lab hosts are registered and trusted; VMs 100 (web01), 101 (db01) on pve-dc1 and 200 on pve-dc2 (Proxmox),')
    print('  domain web11 on kvm-dc1 (libvirt), each with a guest agent. Pairs, replicated once, replicas off:')
    print('  pve-dc1/101 -> pve-dr1/9101, pve-dc1/100 -> pve-dr1/9100, kvm-dc1/web11 -> kvm-dr1/web11-dr.')
    print('  Plan "Web shop": group 1 the database (db01), group 2 the web VMs (web01, web11).')
    print('  Next: Plans -> Web shop -> Drill, then its report. A disaster: ./dr lab cut pve-dc1 (and kvm-dc1),')
    print('  Failover (disaster, type "Web shop"); ./dr lab heal pve-dc1, stop the old primaries, then Failback.')


def seed_recovery(portal, by_name):
    """The demo's VMs, their pairs, recovery settings, one replication each and the plan; what exists is kept."""
    made = set()  # VMs made or given their agent now: older copies of them cannot pass a boot check
    for name, vmid, vm_name, size, running in DEMO_VMS:
        if name in by_name and make_agent_vm(name, vmid, vm_name, size, running):
            made.add((name, str(vmid)))
            print('  %s/%d (%s): a guest whose agent answers %d s after start' % (name, vmid, vm_name, GUEST_BOOT_SECONDS))
    for name, domain, size, running in DEMO_DOMAINS:
        if name in by_name and make_boot_domain(name, domain, size, running):
            made.add((name, domain))
            print('  %s/%s: a domain that boots the lab guest with its agent' % (name, domain))

    _, pairs = portal.call('GET', '/api/v1/pairs')
    demo_pairs = {}
    for source, vm, target, target_vm in DEMO_PAIRS:
        if source not in by_name or target not in by_name:
            continue  # a lab without the libvirt hosts: the Proxmox part of the demo still stands
        p = find_pair(pairs, by_name[source]['id'], vm)
        if p is None:
            status, p = portal.call('POST', '/api/v1/pairs', {
                'sourceHypervisorId': by_name[source]['id'], 'sourceVm': vm,
                'targetHypervisorId': by_name[target]['id'], 'targetVm': target_vm,
                'replicaStart': 'Off', 'note': 'LAB DATA: demo pair from ./dr demo.'})
            if status != 201:
                sys.exit('demo: the pair %s/%s -> %s/%s failed: %s' % (source, vm, target, target_vm, p))
        demo_pairs[(source, vm)] = p

    for (source, vm), p in demo_pairs.items():
        status, view = portal.call('GET', '/api/v1/pairs/%d/recovery' % p['id'])
        if status == 200 and recovery_is_default(view):
            status, body = portal.call('PUT', '/api/v1/pairs/%d/recovery' % p['id'], recovery_input())
            if status != 200:
                sys.exit('demo: recovery settings of %s/%s failed: %s' % (source, vm, body))

    # One replication each, all at once: a drill needs a verified point of every VM on the recovery site.
    queued = []
    for (source, vm), p in demo_pairs.items():
        _, archives = portal.call('GET', '/api/v1/archives?pairId=%d' % p['id'])
        if archives and (source, vm) not in made:
            continue
        status, accepted = portal.call('POST', '/api/v1/pairs/%d/replicate' % p['id'], {})
        if status != 202:
            sys.exit('demo: replicating %s/%s was refused: %s' % (source, vm, accepted))
        queued.append(accepted['taskId'])
    if queued:
        print('  replicating %d pair(s) once ...' % len(queued))
        wait_tasks(portal, queued)

    name, description, groups = DEMO_PLAN
    _, plans = portal.call('GET', '/api/v1/plans')
    if not any(plan['name'] == name for plan in plans):
        members = [(group, [demo_pairs[key]['id'] for key in keys if key in demo_pairs]) for group, keys in groups]
        status, body = portal.call('POST', '/api/v1/plans', plan_input(name, description, [g for g in members if g[1]]))
        if status != 201:
            sys.exit('demo: the plan %s failed: %s' % (name, body))


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
        # A lab brought up again has new host keys: the lab itself says which key is its host's, so the demo re-pins it.
        if not h.get('hostKeyTrusted') or h.get('hostKeyFingerprint') != host['fingerprint']:
            _, presented = portal.call('GET', '/api/v1/hypervisors/%d/hostkey' % h['id'])
            if presented['fingerprint'] != host['fingerprint']:
                sys.exit('demo: %s presents %s but the lab says %s; not trusting it.'
                         % (host['name'], presented['fingerprint'], host['fingerprint']))
            portal.call('POST', '/api/v1/hypervisors/%d/trust' % h['id'], {'fingerprint': host['fingerprint']})
        by_name[host['name']] = h
        print('  %-8s %-12s %-8s %-8s key %s' % (host['name'], host['address'], host['site'], kind, host['fingerprint']))

    if create_vms:
        seed_recovery(portal, by_name)
    if create_vms:
        portal.call('DELETE', '/api/v1/auth/tokens/%d' % token_id)
        portal.token = None
    return user, password


if __name__ == '__main__':
    main()
