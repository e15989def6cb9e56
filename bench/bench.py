#!/usr/bin/python3
"""DrPortal benchmarks against the lab, through the portal's REST API. Prints figures; asserts nothing.

usage: bench.py PORTAL_URL DATA_DIR

1. One replication of a 1 GiB VM (half random data): wall time, per-stage durations, throughput.
2. N = 1..4 backups requested at the same moment for pairs on N different primary hosts
   (pve-dc1..pve-dc4): wall time until all succeeded, and its ratio to N = 1. The prototype ran
   such jobs one after another (257 s, 510 s, 765 s, 1000 s: linear in N).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lab'))
import demo_seed  # noqa: E402  (the lab seeding: admin, keys, hosts)

FINISHED = ('Succeeded', 'SucceededWithWarnings', 'Failed', 'Cancelled')


def wait(portal, task_ids, timeout=900):
    deadline = time.time() + timeout
    pending = set(task_ids)
    while pending:
        for tid in list(pending):
            _, task = portal.call('GET', '/api/v1/tasks/%d' % tid)
            if task['status'] in FINISHED:
                if task['status'] not in ('Succeeded', 'SucceededWithWarnings'):
                    sys.exit('bench: task %d %s: %s' % (tid, task['status'], task['error']))
                pending.discard(tid)
        if time.time() > deadline:
            sys.exit('bench: tasks %s did not finish' % sorted(pending))
        time.sleep(0.2)


def pair(portal, hosts, source, vmid, target, target_vmid):
    status, body = portal.call('POST', '/api/v1/pairs', {
        'sourceHypervisorId': hosts[source], 'sourceVmId': vmid, 'targetHypervisorId': hosts[target],
        'targetVmId': target_vmid, 'startAfterRestore': True, 'overwriteExistingTarget': True})
    if status != 201:
        sys.exit('bench: pair failed: %s' % body)
    return body['id']


def main():
    url, data_dir = sys.argv[1], sys.argv[2]
    portal = demo_seed.Portal(url)
    demo_seed.seed(portal, data_dir, create_vms=False)
    _, listed = portal.call('GET', '/api/v1/hypervisors')
    hosts = {h['name']: h['id'] for h in listed}

    print('\n== 1. replicate one VM: 1 GiB disk, 50 % random data, zstd')
    demo_seed.lab('vm', 'create', 'pve-dc1', 8100, '--size', '1G', '--fill', '0.5', '--running')
    p = pair(portal, hosts, 'pve-dc1', 8100, 'pve-dr1', 8900)
    start = time.time()
    _, accepted = portal.call('POST', '/api/v1/pairs/%d/replicate' % p, {})
    wait(portal, [accepted['taskId']])
    wall = time.time() - start
    _, task = portal.call('GET', '/api/v1/tasks/%d' % accepted['taskId'])
    _, archives = portal.call('GET', '/api/v1/archives?pairId=%d' % p)
    size = archives[0]['sizeBytes']
    print('  wall time, request to running VM: %.1f s' % wall)
    for s in task['stages']:
        print('    %-8s %6.1f s' % (s['name'], s['seconds'] or 0))
    print('  archive %.0f MiB; 1 GiB of VM disk protected at %.0f MiB/s end to end' % (size / 2**20, 1024 / wall))
    same = demo_seed.lab('vm', 'checksum', 'pve-dc1', 8100) == demo_seed.lab('vm', 'checksum', 'pve-dr1', 8900)
    print('  restored disk equals source: %s' % same)

    print('\n== 2. N backups at the same moment, one pair per primary host, 256 MiB VMs (50 % random)')
    pairs = []
    for n in range(1, 5):
        host = 'pve-dc%d' % n
        demo_seed.lab('vm', 'create', host, 8200 + n, '--size', '256M', '--fill', '0.5')
        pairs.append(pair(portal, hosts, host, 8200 + n, 'pve-dr1', 8950 + n))
    base = None
    for n in range(1, 5):
        start = time.time()
        ids = [portal.call('POST', '/api/v1/pairs/%d/backup' % p, {})[1]['taskId'] for p in pairs[:n]]
        wait(portal, ids)
        wall = time.time() - start
        base = base or wall
        print('  N=%d  %5.1f s  ratio to N=1: %.2f   (prototype: %.2f)' % (n, wall, wall / base, [1, 1.98, 2.98, 3.89][n - 1]))


def cleanup():
    for host, vmid in [('pve-dc1', 8100), ('pve-dr1', 8900)] + [('pve-dc%d' % n, 8200 + n) for n in range(1, 5)] \
            + [('pve-dr1', 8950 + n) for n in range(1, 5)]:
        try:
            demo_seed.lab('vm', 'destroy', host, vmid)
        except Exception:  # noqa: BLE001  (absent VMs are fine)
            pass


if __name__ == '__main__':
    try:
        main()
    finally:
        cleanup()
