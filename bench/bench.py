#!/usr/bin/python3
"""DrPortal benchmarks against the lab, through the portal's REST API. Prints figures; asserts nothing.

usage: bench.py PORTAL_URL DATA_DIR [SECTION ...]    (sections: proxmox, schedules, libvirt, drill, datapath, p6; default all;
       and p6live, not in the default: P6_LIVE_SECONDS (3600) of live task updates in three browser tabs, RSS sampled)
       P6_MEMORY_SECONDS=N adds the memory run to p6 (three browser tabs, RSS sampled; the goal is an hour; short runs only show the trend).

1. One replication of a 1 GiB VM (half random data): wall time, per-stage durations, throughput.
2. P2, the prototype's scenario (bench.py URL DATA_DIR schedules): N = 1..4 VMs of 64 MiB on ONE primary host, each
   pair with a Replicate schedule for the same minute, pve-dc1's and pve-dr1's links at 42 Mbit: wall from the slot
   to the last finished / (the first backup + the archives' bytes / the link rate), goal <= 1.15. Then 4 VMs on 4
   primary hosts (each primary's link at 42 Mbit) against 1 VM: goal <= 1.30. The prototype ran such jobs one
   after another (257 s, 510 s, 765 s, 1000 s: linear in N).
3. libvirt (real libvirtd and QEMU on kvm-dc1 -> kvm-dr1), one running domain with a 1 GiB qcow2 disk:
   bytes of an incremental backup after 1 % changed / bytes of the full one (goal <= 0.05); wall time of
   the incremental replicate vs the full one; restore of the last point of a 7-point chain vs of the full.
   Runs on its own against a running portal: bench.py URL DATA_DIR libvirt.
4. DR drill, per kind, of a two-group plan (one VM per group; Proxmox: emulator guests with an agent on
   pve-dc1/pve-dc2 -> pve-dr1; libvirt: domains booting the lab guest with qemu-ga, kvm-dc1 -> kvm-dr1),
   each pair replicated once: the measured RTO (run start -> last VM passed its check), each VM's time to
   running and to check, the time until the scratch VMs were removed, and the orchestration overhead
   (RTO - the critical path of the VMs' own stages, goal <= 10 s). Then a disaster failover of the Proxmox
   plan with pve-dc1 and pve-dc2 cut (RTO, each VM's data age), heal, the old primaries stopped, a failback
   over them (its time; each primary equal to its recovery VM afterwards). bench.py URL DATA_DIR drill.
5. The data path (issue 16), bench.py URL DATA_DIR datapath:
   P3: Replicate's wall time / the plain-script baseline's (bench/baseline.sh: the prototype's vzdump lzo -> rsync ->
   rsync -> qmrestore -> qm start), same VM, alternating, medians of 2; 1 GiB unshaped (goal <= 0.60) and 256 MiB with
   both hosts' links shaped to 42 Mbit (goal <= 0.55).
   P5: the portal's overhead per task: the task's wall time - the sum of its host commands' own run times (goal <= 2 s).
   Those come from the portal's Debug log lines "Host command X on/with ADDR ran N ms" (SshNetRemoteShell,
   RsyncTransport), in DATA_DIR/portal.log (./dr bench writes it); without it P5 is skipped.
   P1: bytes per second of each rsync hop / the shaped rate (goal >= 0.95) at 42 Mbit (256 MiB VM) and 1 Gbit (1 GiB).
"""

import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lab'))
import demo_seed  # noqa: E402  (the lab seeding: admin, keys, hosts)
import p6  # noqa: E402  (the portal's own cost: needs no lab)



def wait(portal, task_ids, timeout=900):
    demo_seed.wait_tasks(portal, task_ids, timeout)


def next_slot():
    """The next whole minute at least 15 s away (UTC)."""
    now = datetime.now(timezone.utc)
    slot = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return slot + timedelta(minutes=1) if (slot - now).total_seconds() < 15 else slot


def pair(portal, hosts, source, vmid, target, target_vmid):
    status, body = portal.call('POST', '/api/v1/pairs', {
        'sourceHypervisorId': hosts[source], 'sourceVm': str(vmid), 'targetHypervisorId': hosts[target],
        'targetVm': str(target_vmid), 'replicaStart': 'Connected', 'overwriteExistingTarget': True})
    if status != 201:
        sys.exit('bench: pair failed: %s' % body)
    return body['id']


def run(portal, pair_id, kind, body=None):
    """Requests a task of the pair, waits for it; returns (wall seconds, task)."""
    start = time.time()
    status, accepted = portal.call('POST', '/api/v1/pairs/%d/%s' % (pair_id, kind), body or {})
    if status != 202:
        sys.exit('bench: %s of pair %d refused: %s' % (kind, pair_id, accepted))
    wait(portal, [accepted['taskId']])
    wall = time.time() - start
    return wall, portal.call('GET', '/api/v1/tasks/%d' % accepted['taskId'])[1]


def stage_seconds(task, name):
    return sum(s['seconds'] or 0 for s in task['stages'] if s['name'] == name)


def archive(portal, pair_id, archive_id):
    _, archives = portal.call('GET', '/api/v1/archives?pairId=%d' % pair_id)
    return next(a for a in archives if a['id'] == archive_id)


LV_DOMAIN, LV_TARGET = 'lvbench1', 'lvbench1-dr'


def libvirt_section(portal, hosts):
    print('\n== 3. libvirt: one running domain, 1 GiB qcow2 disk, 50 %% random data, kvm-dc1 -> kvm-dr1 (QEMU %s)'
          % ('KVM' if os.path.exists('/dev/kvm') else 'TCG'))
    if 'kvm-dc1' not in hosts or 'kvm-dr1' not in hosts:
        print('  skipped: the lab has no kvm-dc1/kvm-dr1')
        return
    start = time.time()
    demo_seed.lab('vm', 'create', 'kvm-dc1', LV_DOMAIN, '--size', '1G', '--fill', '0.5', '--memory', '32', '--running')
    print('  making the domain (vm create --size 1G --fill 0.5 --running): %.1f s' % (time.time() - start))
    status, body = portal.call('POST', '/api/v1/pairs', {
        'sourceHypervisorId': hosts['kvm-dc1'], 'sourceVm': LV_DOMAIN, 'targetHypervisorId': hosts['kvm-dr1'],
        'targetVm': LV_TARGET, 'replicaStart': 'Off', 'overwriteExistingTarget': True,
        'backupOptions': {'incremental': 'on', 'fullEvery': '6'}})
    if status != 201:
        sys.exit('bench: libvirt pair failed: %s' % body)
    p = body['id']

    full_wall, full_task = run(portal, p, 'replicate')
    full = archive(portal, p, full_task['archiveId'])
    start = time.time()
    demo_seed.lab('vm', 'change', 'kvm-dc1', LV_DOMAIN, '--percent', '1')
    change = time.time() - start
    inc_wall, inc_task = run(portal, p, 'replicate')
    inc = archive(portal, p, inc_task['archiveId'])
    ratio = inc['sizeBytes'] / full['sizeBytes']
    print('  full point %.1f MiB, incremental after 1 %% changed (vm change: %.1f s) %.2f MiB' % (full['sizeBytes'] / 2**20, change, inc['sizeBytes'] / 2**20))
    print('  bytes moved, incremental / full: %.4f   goal <= 0.05   %s' % (ratio, 'met' if ratio <= 0.05 else 'NOT MET'))
    print('  replicate wall time: full %.1f s, incremental %.1f s   incremental / full: %.2f' % (full_wall, inc_wall, inc_wall / full_wall))
    for label, task in (('full', full_task), ('incremental', inc_task)):
        print('    %-11s ' % label + '  '.join('%s %.1f s' % (s['name'], s['seconds'] or 0) for s in task['stages'] if s['seconds']))
    same = demo_seed.lab('vm', 'checksum', 'kvm-dc1', LV_DOMAIN) == demo_seed.lab('vm', 'checksum', 'kvm-dr1', LV_TARGET)
    print('  replica equals the source (guest-visible sha256): %s' % same)

    # Five more 1 % changes, each a backup: a chain of 7 points (the full and 6 incrementals).
    last = inc
    for _ in range(5):
        demo_seed.lab('vm', 'change', 'kvm-dc1', LV_DOMAIN, '--percent', '1')
        _, task = run(portal, p, 'backup')
        point = archive(portal, p, task['archiveId'])
        if point['parentId'] != last['id']:
            sys.exit('bench: point %s does not build on %s: the chain broke' % (point['label'], last['label']))
        last = point
    at_last = demo_seed.lab('vm', 'checksum', 'kvm-dc1', LV_DOMAIN)
    chain_wall, chain_task = run(portal, p, 'restore', {'archiveId': last['id']})
    chain_same = demo_seed.lab('vm', 'checksum', 'kvm-dr1', LV_TARGET) == at_last
    full_restore_wall, full_restore_task = run(portal, p, 'restore', {'archiveId': full['id']})
    print('  restore of the last point of the 7-point chain: %.1f s (Restore stage %.1f s), equals the source at that point: %s'
          % (chain_wall, stage_seconds(chain_task, 'Restore'), chain_same))
    print('  restore of the full point:                      %.1f s (Restore stage %.1f s)'
          % (full_restore_wall, stage_seconds(full_restore_task, 'Restore')))
    for label, task in (('chain', chain_task), ('full', full_restore_task)):
        print('    %-11s ' % label + '  '.join('%s %.1f s' % (s['name'], s['seconds'] or 0) for s in task['stages'] if s['seconds']))
    print('  chain / full: %.2f wall, %.2f Restore stage' % (
        chain_wall / full_restore_wall, stage_seconds(chain_task, 'Restore') / max(stage_seconds(full_restore_task, 'Restore'), 0.1)))


# (source host, VM, recovery host, replica), group 1 first: the database, then the web VM.
DRILL_PVE = [('pve-dc1', '8301', 'pve-dr1', '8311'), ('pve-dc2', '8302', 'pve-dr1', '8312')]
DRILL_KVM = [('kvm-dc1', 'lvdrill-db', 'kvm-dr1', 'lvdrill-db-dr'), ('kvm-dc1', 'lvdrill-web', 'kvm-dr1', 'lvdrill-web-dr')]
DRILL_LEFTOVERS = []  # (host, VM) the runs made (scratch VMs), removed at the end if a run left them
DRILL_CUT = set()
OVERHEAD_GOAL = 10.0
# Stages of a run's child before its group's turn, and after it (DrTaskEnums.StageName).
BEFORE_TURN = ('Preflight', 'Shutdown', 'Backup', 'Pull', 'Push', 'Restore', 'Network')
AFTER_TURN = ('Start', 'BootCheck')


def at(text):
    return datetime.fromisoformat(text) if text else None


def run_plan(portal, plan_id, action, body, timeout=900):
    """Requests a drill, failover or failback of the plan, waits for its end; returns (wall seconds, run)."""
    start = time.time()
    status, run = portal.call('POST', '/api/v1/plans/%d/%s' % (plan_id, action), body)
    if status != 202:
        sys.exit('bench: %s of plan %d refused: %s' % (action, plan_id, run))
    deadline = start + timeout
    while run['status'] not in demo_seed.RUN_FINISHED:
        if time.time() > deadline:
            sys.exit('bench: %s run %d did not finish within %d s' % (action, run['id'], timeout))
        time.sleep(0.5)
        _, run = portal.call('GET', '/api/v1/runs/%d' % run['id'])
    wall = time.time() - start
    if run['status'] != 'Succeeded':
        for t in run['tasks']:
            print('    %s %s: %s' % (t['task']['pairLabel'], t['task']['status'], t['task']['error']))
        sys.exit('bench: %s run %d %s: %s' % (action, run['id'], run['status'], run['error']))
    return wall, run


def own_seconds(task, stages):
    return sum(s['seconds'] or 0 for s in task['task']['stages'] if s['name'] in stages)


def critical_path(run):
    """The shortest the run could take from its start given its VMs' own stage times: a VM's check passes at the earliest
    when its own work before its turn is done and its group's turn came (the previous group settled), plus its delay,
    start and check. A child picked up before the run's row says started did that much of its own work earlier."""
    started = at(run['startedAt'])
    settled = 0.0
    for group in sorted({t['groupPosition'] for t in run['tasks']}):
        members = [t for t in run['tasks'] if t['groupPosition'] == group]
        settled = max(max(own_seconds(t, BEFORE_TURN) - max(0.0, (started - at(t['task']['startedAt'])).total_seconds()), settled)
                      + t['delaySeconds'] + own_seconds(t, AFTER_TURN) for t in members)
    return settled


def print_rows(portal, run, ages=False):
    _, report = portal.call('GET', '/api/v1/runs/%d/report' % run['id'])
    tasks = {t['task']['id']: t for t in run['tasks']}
    for row in report['rows']:
        t = tasks[row['taskId']]
        line = '    group %d %-34s running %5.1f s, check %5.1f s' % (row['group'] + 1, row['pair'] + (' as ' + row['vm'] if row['vm'] else ''),
                                                                      row['timeToRunningSeconds'] or 0, row['timeToCheckSeconds'] or 0)
        if ages:
            line += ', data age %.1f s' % (row['dataAgeSeconds'] or 0)
        print(line + '   (own: before turn %.1f s, start + check %.1f s)' % (own_seconds(t, BEFORE_TURN), own_seconds(t, AFTER_TURN)))
    return report


def drill_plan(portal, hosts, name, members):
    """Pairs of the members (replicas off), their boot checks, one replication each, and a plan of one group per member."""
    pair_ids = []
    for source, vm, target, target_vm in members:
        status, body = portal.call('POST', '/api/v1/pairs', {
            'sourceHypervisorId': hosts[source], 'sourceVm': vm, 'targetHypervisorId': hosts[target], 'targetVm': target_vm,
            'replicaStart': 'Off', 'overwriteExistingTarget': True})
        if status != 201:
            sys.exit('bench: pair %s/%s failed: %s' % (source, vm, body))
        pair_ids.append(body['id'])
        status, body = portal.call('PUT', '/api/v1/pairs/%d/recovery' % body['id'], demo_seed.recovery_input())
        if status != 200:
            sys.exit('bench: recovery settings of %s/%s failed: %s' % (source, vm, body))
    start = time.time()
    queued = []
    for p in pair_ids:
        status, accepted = portal.call('POST', '/api/v1/pairs/%d/replicate' % p, {})
        if status != 202:
            sys.exit('bench: replicate of pair %d refused: %s' % (p, accepted))
        queued.append(accepted['taskId'])
    wait(portal, queued)
    print('  replicated both pairs once (at once): %.1f s' % (time.time() - start))
    status, plan = portal.call('POST', '/api/v1/plans', demo_seed.plan_input(
        name, 'bench.py drill section', [('Group %d' % (i + 1), [p]) for i, p in enumerate(pair_ids)]))
    if status != 201:
        sys.exit('bench: plan %s failed: %s' % (name, plan))
    return plan


def drill(portal, plan, recovery_host):
    """One drill of the plan, scratch VMs removed at once; prints its figures."""
    wall, run = run_plan(portal, plan['id'], 'drill', {'keepScratchMinutes': 0})
    scratch = [t['scratchVm'] for t in run['tasks'] if t['scratchVm']]
    DRILL_LEFTOVERS.extend((recovery_host, vm) for vm in scratch)
    deadline = time.time() + 180
    while run['scratchRemovedAt'] is None and time.time() < deadline:
        time.sleep(0.5)
        _, run = portal.call('GET', '/api/v1/runs/%d' % run['id'])
    started = at(run['startedAt'])
    rto = run['recoverySeconds']
    print('  drill: %s, request to end %.1f s (queued %.1f s before it started)' % (run['status'], wall, (started - at(run['createdAt'])).total_seconds()))
    print('  measured RTO (run start -> last VM passed its check): %.1f s' % rto)
    print_rows(portal, run)
    last_check = max(at(t['checkPassedAt']) for t in run['tasks'])
    if run['scratchRemovedAt']:
        removed = at(run['scratchRemovedAt'])
        left = demo_seed.listed_vms(demo_seed.lab('vm', 'list', recovery_host)) & set(scratch)
        print('  scratch VMs %s removed %.1f s after the last check (%.1f s after the start); still on %s: %s'
              % (', '.join(scratch), (removed - last_check).total_seconds(), (removed - started).total_seconds(), recovery_host, sorted(left) or 'none'))
    else:
        print('  scratch VMs %s NOT removed within 180 s of the run\'s end' % ', '.join(scratch))
    path = critical_path(run)
    print('  orchestration overhead (RTO - critical path of the VMs\' own stages %.1f s): %.1f s   goal <= %.0f s   %s'
          % (path, rto - path, OVERHEAD_GOAL, 'met' if rto - path <= OVERHEAD_GOAL else 'NOT MET'))


def drill_section(portal, hosts):
    print('\n== 4. DR drill of a two-group plan per kind; disaster failover with the primaries cut and failback (Proxmox)')
    print('  boot check: running 5 s and the guest agent; drill network: the default (every NIC link down, new MAC)')
    print('\n  Proxmox: emulator guests with an agent (answers 2 s after start), 256 MiB disks 50 % random, pve-dc1 + pve-dc2 -> pve-dr1')
    for host, vm, _, _ in DRILL_PVE:
        demo_seed.make_agent_vm(host, vm, 'bench' + vm, '256M', running=True)
    pve_plan = drill_plan(portal, hosts, 'bench drill pve', DRILL_PVE)
    drill(portal, pve_plan, 'pve-dr1')

    if 'kvm-dc1' in hosts and 'kvm-dr1' in hosts:
        print('\n  libvirt: domains booting the lab guest with qemu-ga (QEMU %s), 64 MiB disks 50 %% random, kvm-dc1 -> kvm-dr1'
              % ('KVM' if os.path.exists('/dev/kvm') else 'TCG'))
        for host, vm, _, _ in DRILL_KVM:
            demo_seed.make_boot_domain(host, vm, '64M', running=True)
        drill(portal, drill_plan(portal, hosts, 'bench drill libvirt', DRILL_KVM), 'kvm-dr1')
    else:
        print('\n  libvirt: skipped, the lab has no kvm-dc1/kvm-dr1')

    print('\n  disaster failover of the Proxmox plan, pve-dc1 and pve-dc2 cut (1 % of each primary changed after its replication)')
    for host, vm, _, _ in DRILL_PVE:
        demo_seed.lab('vm', 'change', host, vm, '--percent', '1')
    for host in ('pve-dc1', 'pve-dc2'):
        DRILL_CUT.add(host)
        demo_seed.lab('cut', host)
    wall, run = run_plan(portal, pve_plan['id'], 'failover', {'mode': 'disaster', 'confirm': pve_plan['name'], 'shutdownSources': False})
    print('  failover: %s, request to end %.1f s; measured RTO %.1f s' % (run['status'], wall, run['recoverySeconds']))
    print_rows(portal, run, ages=True)

    for host in ('pve-dc1', 'pve-dc2'):
        demo_seed.lab('heal', host)
        DRILL_CUT.discard(host)
    for host, vm, _, _ in DRILL_PVE:
        demo_seed.lab('exec', host, '--', 'qm', 'stop', vm)
    wall, run = run_plan(portal, pve_plan['id'], 'failback', {'confirm': pve_plan['name'], 'target': 'original', 'confirmOverwrite': True})
    print('  failback over the stopped originals (healed, stopped): %s, request to end %.1f s, run %.1f s; RTO %s'
          % (run['status'], wall, (at(run['finishedAt']) - at(run['startedAt'])).total_seconds(),
             '%.1f s' % run['recoverySeconds'] if run['recoverySeconds'] is not None else 'n/a'))
    print_rows(portal, run)
    for host, vm, target, target_vm in DRILL_PVE:
        same = demo_seed.lab('vm', 'checksum', host, vm) == demo_seed.lab('vm', 'checksum', target, target_vm)
        print('    %s/%s equals %s/%s it came back from: %s' % (host, vm, target, target_vm, same))


def main():
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    url, data_dir = sys.argv[1], sys.argv[2]
    sections = set(sys.argv[3:]) or {'proxmox', 'schedules', 'libvirt', 'drill', 'datapath', 'p6'}
    portal = demo_seed.Portal(url)
    if sections == {'p6'}:
        admin_token(portal, data_dir)
        p6.section(portal, url, float(os.environ.get('P6_MEMORY_SECONDS', '0')))
        return
    demo_seed.seed(portal, data_dir, create_vms=False)
    _, listed = portal.call('GET', '/api/v1/hypervisors')
    hosts = {h['name']: h['id'] for h in listed}

    if 'proxmox' in sections:
        replicate_section(portal, hosts)
    if 'schedules' in sections:
        schedules_section(portal, hosts)
    if 'libvirt' in sections:
        libvirt_section(portal, hosts)
    if 'drill' in sections:
        drill_section(portal, hosts)
    if 'datapath' in sections:
        datapath_section(portal, hosts, data_dir)
    if 'p6' in sections:
        p6.section(portal, url, float(os.environ.get('P6_MEMORY_SECONDS', '0')))
    if 'p6live' in sections:
        p6.live_memory_section(portal, hosts, url, data_dir, float(os.environ.get('P6_LIVE_SECONDS', '3600')), demo_seed.lab)


def admin_token(portal, data_dir):
    """The first-run admin of a fresh portal (no lab hosts needed), its password kept 0600 in DATA_DIR, a token in portal.token."""
    portal.wait_until_up()
    creds = os.path.join(data_dir, 'bench-admin.secret')
    if not os.path.exists(creds):
        password = secrets.token_urlsafe(18)
        status, body = portal.call('POST', '/api/v1/setup', {'userName': 'benchadmin', 'password': password})
        if status not in (200, 201):
            sys.exit('bench: p6 needs a fresh portal (setup answered %s: %s)' % (status, body))
        fd = os.open(creds, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(password)
    with open(creds) as f:
        password = f.read()
    os.environ['P6_ADMIN_SECRET'] = creds  # the first-render runner logs in with it (a file path, never the password)
    status, body = portal.call('POST', '/api/v1/auth/tokens', {'userName': 'benchadmin', 'password': password, 'name': 'bench-p6-%d' % time.time()})
    if status != 200:
        sys.exit('bench: could not log in: %s' % body)
    portal.token = body['token']


def replicate_section(portal, hosts):
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


P2_RATE = '42mbit'
P2_VM = 8200  # + index: 64 MiB VMs, 50 % random (the prototype's four VMs)


def p2_round(portal, pair_ids):
    """Replicate schedules of the pairs for one minute: (wall from the slot to the last finished, its tasks)."""
    slot = next_slot()
    schedules = []
    for p in pair_ids:
        status, body = portal.call('POST', '/api/v1/schedules', {
            'vmPairId': p, 'kind': 'Replicate', 'timing': 'Cron', 'cron': '%d %d * * *' % (slot.minute, slot.hour), 'timeZone': 'UTC'})
        if status != 201:
            sys.exit('bench: schedule failed: %s' % body)
        schedules.append(body['id'])
    task_ids = []
    deadline = slot + timedelta(seconds=120)
    for sid in schedules:
        while True:
            _, runs = portal.call('GET', '/api/v1/schedules/%d/runs' % sid)
            if runs and runs[0].get('taskId'):
                task_ids.append(runs[0]['taskId'])
                break
            if datetime.now(timezone.utc) > deadline:
                sys.exit('bench: schedule %d did not fire' % sid)
            time.sleep(0.2)
    wait(portal, task_ids)
    tasks = [portal.call('GET', '/api/v1/tasks/%d' % t)[1] for t in task_ids]
    for sid in schedules:
        portal.call('DELETE', '/api/v1/schedules/%d' % sid)
    if any(t['status'] != 'Succeeded' for t in tasks):
        sys.exit('bench: a scheduled replication failed: %s' % [(t['id'], t['status'], t.get('error')) for t in tasks])
    finished = max(at(t['finishedAt']) for t in tasks)
    return (finished - slot).total_seconds(), tasks


def schedules_section(portal, hosts):
    """P2: the prototype's scenario, N VMs replicated at the same minute at 42 Mbit."""
    rate = RATES[P2_RATE]
    print('\n== 2. P2: N replications scheduled for the same minute, 64 MiB VMs (50 %% random), links at %s' % P2_RATE)
    one_host = []
    for n in range(4):
        demo_seed.lab('vm', 'create', 'pve-dc1', P2_VM + n, '--size', '64M', '--fill', '0.5')
        one_host.append(pair(portal, hosts, 'pve-dc1', P2_VM + n, 'pve-dr1', 8950 + n))
    print('  one primary host (pve-dc1 -> pve-dr1, both links shaped): wall / (first backup + archive bytes / link rate), goal <= 1.15')
    for host in ('pve-dc1', 'pve-dr1'):
        DP_SHAPED.add(host)
        demo_seed.lab('shape', host, '--rate', P2_RATE)
    try:
        for n in range(1, 5):
            wall, tasks = p2_round(portal, one_host[:n])
            size = sum(archive(portal, t['pairId'], t['archiveId'])['sizeBytes'] for t in tasks)
            first_backup = min(stage_seconds(t, 'Backup') for t in tasks)
            bound = first_backup + size / rate
            print('    N=%d  %5.1f s from the slot; bound %5.1f s (first backup %.1f s + %.1f MB / %.2f MB/s)  ratio %.2f   goal <= 1.15   %s'
                  % (n, wall, bound, first_backup, size / 1e6, rate / 1e6, wall / bound, 'met' if wall / bound <= 1.15 else 'NOT MET'))
    finally:
        for host in ('pve-dc1', 'pve-dr1'):
            demo_seed.lab('shape', host, '--off')
            DP_SHAPED.discard(host)

    print('  four primary hosts (pve-dc1..4 -> pve-dr1, each primary link shaped): 4 VMs / 1 VM, goal <= 1.30')
    spread = [one_host[0]]
    for n in range(2, 5):
        demo_seed.lab('vm', 'create', 'pve-dc%d' % n, P2_VM + 10 + n, '--size', '64M', '--fill', '0.5')
        spread.append(pair(portal, hosts, 'pve-dc%d' % n, P2_VM + 10 + n, 'pve-dr1', 8960 + n))
    for n in range(1, 5):
        DP_SHAPED.add('pve-dc%d' % n)
        demo_seed.lab('shape', 'pve-dc%d' % n, '--rate', P2_RATE)
    try:
        single, _ = p2_round(portal, spread[:1])
        four, _ = p2_round(portal, spread)
        print('    1 VM %5.1f s, 4 VMs on 4 hosts %5.1f s from the slot: ratio %.2f   goal <= 1.30   %s'
              % (single, four, four / single, 'met' if four / single <= 1.30 else 'NOT MET'))
    finally:
        for n in range(1, 5):
            demo_seed.lab('shape', 'pve-dc%d' % n, '--off')
            DP_SHAPED.discard('pve-dc%d' % n)


# ---------------------------------------------------------------- 5. the data path (P1, P3, P5)
DP_SOURCE, DP_TARGET = 'pve-dc1', 'pve-dr1'
DP_VM_LARGE, DP_VM_SMALL = 8120, 8121          # 1 GiB and 256 MiB, 50 % random, on pve-dc1
DP_PORTAL_REPLICA, DP_SCRIPT_REPLICA = 8920, 8922  # the portal's and the script's replicas on pve-dr1 (+1 for the small VM)
DP_SHAPED = set()
BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'baseline.sh')
# "ended <unix ms>" where the line has it: commands that overlap (a pull and its relay, a hash on the host during the
# pull) then count once, as the union of their intervals, not their sum.
HOST_COMMAND = re.compile(r'Host command (\S+) (?:on|with) (\S+) ran (\d+) ms[^\n]*?(?: ended (\d+))?$', re.MULTILINE)
RATES = {'42mbit': 42e6 / 8, '1gbit': 1e9 / 8}


def load():
    return os.getloadavg()[0]


class ScriptSide:
    """The plain script's own key (authorised on the lab's hosts) and a known_hosts file of the lab's host keys."""

    def __init__(self, data_dir):
        self.dir = os.path.join(data_dir, 'baseline')
        self.middle = os.path.join(self.dir, 'middleware')
        os.makedirs(self.middle, exist_ok=True)
        self.key = os.path.join(self.dir, 'id_ed25519')
        if not os.path.exists(self.key):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'drportal-bench-baseline', '-f', self.key], check=True)
        demo_seed.lab('authorize', self.key + '.pub')
        self.known = os.path.join(self.dir, 'known_hosts')
        self.address = {}
        with open(self.known, 'w') as f:
            for h in json.loads(demo_seed.lab('status', '--json'))['hosts']:
                f.write('%s %s\n' % (h['address'], h['hostKey']))
                self.address[h['name']] = h['address']

    def run(self, vmid, target_vmid):
        """One run of the baseline; returns (wall seconds, its step lines). Its archives are removed afterwards, untimed."""
        start = time.time()
        done = subprocess.run(['bash', BASELINE, self.address[DP_SOURCE], str(vmid), self.address[DP_TARGET], str(target_vmid),
                               self.middle, self.key, self.known], capture_output=True, text=True)
        wall = time.time() - start
        if done.returncode != 0:
            sys.exit('bench: the baseline script failed (exit %d): %s' % (done.returncode, done.stderr.strip()))
        on_primary, on_middle, on_recovery = done.stdout.split()
        demo_seed.lab('exec', DP_SOURCE, '--', 'rm', '-f', '--', on_primary)
        demo_seed.lab('exec', DP_TARGET, '--', 'rm', '-f', '--', on_recovery)
        os.remove(on_middle)
        return wall, [line.split(' ', 1)[1] for line in done.stderr.splitlines() if line.startswith('baseline: ')]


class HostCommandLog:
    """The portal's Debug lines of its host commands' own run times, read from where the last read ended."""

    def __init__(self, data_dir):
        self.path = os.path.join(data_dir, 'portal.log')
        self.offset = os.path.getsize(self.path) if os.path.exists(self.path) else None

    @property
    def available(self):
        return self.offset is not None

    def since_last(self):
        """[(program, address, seconds)] logged since the previous call."""
        if not self.available:
            return []
        with open(self.path, 'rb') as f:
            f.seek(self.offset)
            text = f.read().decode('utf-8', 'replace')
            self.offset = f.tell()
        return [(m.group(1), m.group(2), int(m.group(3)) / 1000, int(m.group(4)) / 1000 if m.group(4) else None)
                for m in HOST_COMMAND.finditer(text)]


def shape(rate):
    for host in (DP_SOURCE, DP_TARGET):
        if rate:
            DP_SHAPED.add(host)
            demo_seed.lab('shape', host, '--rate', rate)
        else:
            demo_seed.lab('shape', host, '--off')
            DP_SHAPED.discard(host)


def stop_replicas(replica):
    # `vm list`: "<vmid> <name...> <running|stopped> <disks>".
    running = {line.split()[0] for line in demo_seed.lab('vm', 'list', DP_TARGET).splitlines() if line.split()[-2:-1] == ['running']}
    for vmid in (replica, replica + 2):
        if str(vmid) in running:
            demo_seed.lab('exec', DP_TARGET, '--', 'qm', 'stop', str(vmid))


def portal_round(portal, pair_id, log):
    """One Replicate through the API; returns (request-to-end wall, task, host commands of the task)."""
    log.since_last()
    wall, task = run(portal, pair_id, 'replicate')
    return wall, task, log.since_last()


def datapath_case(portal, hosts, script, log, label, vmid, replica, rate, goal):
    print('\n  %s (load %.2f)' % (label, load()))
    p = pair(portal, hosts, DP_SOURCE, vmid, DP_TARGET, replica)
    shape(rate)
    try:
        scripts, portals = [], []
        for _ in range(2):
            # Each side starts from the same state: its replica (if any yet) there and stopped. The script, like the
            # prototype, restores over a stopped VM; the portal checks and stops its own (untimed here: already stopped).
            stop_replicas(replica)
            wall, steps = script.run(vmid, replica + 2)
            scripts.append(wall)
            print('    script  %6.1f s   %s   (load %.2f)' % (wall, ', '.join(steps), load()))
            stop_replicas(replica)
            wall, task, commands = portal_round(portal, p, log)
            portals.append((wall, task, commands))
            print('    portal  %6.1f s   %s   (load %.2f)' % (wall, '  '.join('%s %.1f s' % (s['name'], s['seconds'] or 0)
                                                                          for s in task['stages'] if s['seconds']), load()))
    finally:
        shape(None)
    script_median = statistics.median(scripts)
    portal_median = statistics.median(w for w, _, _ in portals)
    ratio = portal_median / script_median
    print('    P3 %s: portal %.1f s / script %.1f s = ratio %.2f   goal <= %.2f   %s'
          % (label, portal_median, script_median, ratio, goal, 'met' if ratio <= goal else 'NOT MET'))
    return p, portals


def host_time(commands):
    """Seconds during which at least one host command ran: the union of the commands' intervals when every line says
    when it ended, else (older lines) their sum."""
    if any(ended is None for _, _, _, ended in commands):
        return sum(seconds for _, _, seconds, _ in commands)
    total, reach = 0.0, None
    for start, end in sorted((ended - seconds, ended) for _, _, seconds, ended in commands):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def overhead(task, commands):
    started, finished = at(task['startedAt']), at(task['finishedAt'])
    task_wall = (finished - started).total_seconds()
    own = host_time(commands)
    return task_wall, own, task_wall - own


def hop_rates(commands, size, source_address, target_address):
    """Bytes per second of the Pull hop and the Push hop: the archive's bytes (all its files: the dump and its log)
    over the run time of every rsync with that hop's host."""
    rates = []
    for address in (source_address, target_address):
        # The pull's stream (and its relay, the Push hop's bytes when it ran) and any rsync push.
        seconds = sum(t for program, a, t, _ in commands if program in ('rsync', 'stream') and a == address)
        rates.append(size / seconds if seconds > 0 else 0.0)
    return rates


def datapath_section(portal, hosts, data_dir):
    print('\n== 5. the data path: P3 portal vs the plain script, P5 portal overhead, P1 link use (%s -> %s)' % (DP_SOURCE, DP_TARGET))
    script = ScriptSide(data_dir)
    log = HostCommandLog(data_dir)
    demo_seed.lab('vm', 'create', DP_SOURCE, DP_VM_LARGE, '--size', '1G', '--fill', '0.5', '--running')
    demo_seed.lab('vm', 'create', DP_SOURCE, DP_VM_SMALL, '--size', '256M', '--fill', '0.5', '--running')
    results = {
        '1 GiB unshaped': datapath_case(portal, hosts, script, log, '1 GiB unshaped', DP_VM_LARGE, DP_PORTAL_REPLICA, None, 0.60),
        '256 MiB at 42 Mbit': datapath_case(portal, hosts, script, log, '256 MiB, both links at 42 Mbit', DP_VM_SMALL,
                                            DP_PORTAL_REPLICA + 1, '42mbit', 0.55),
    }

    if log.available:
        print('\n  P5, portal overhead per task = task wall (started -> finished) - the time its host commands ran (overlaps once)')
        worst = None
        for label, (_, runs) in results.items():
            for _, task, commands in runs:
                task_wall, own, extra = overhead(task, commands)
                worst = extra if worst is None else max(worst, extra)
                print('    %-20s task %5.1f s, %2d host commands %5.1f s, overhead %4.1f s' % (label, task_wall, len(commands), own, extra))
        print('    P5 worst overhead %.1f s   goal <= 2.0 s   %s' % (worst, 'met' if worst <= 2.0 else 'NOT MET'))
    else:
        print('\n  P5 skipped: no %s with the portal\'s Debug host-command lines (run through ./dr bench)' % log.path)

    print('\n  P1, bytes per second of each rsync hop (Pull, Push) / the shaped rate')
    if not log.available:
        print('    skipped: needs the host-command lines of portal.log')
        return
    p = results['1 GiB unshaped'][0]
    stop_replicas(DP_PORTAL_REPLICA)
    shape('1gbit')
    try:
        _, task, commands = portal_round(portal, p, log)
        one_gbit = (task, commands)
    finally:
        shape(None)
    cases = [('42 Mbit, 256 MiB', '42mbit', r) for r in results['256 MiB at 42 Mbit'][1]] + [('1 Gbit, 1 GiB', '1gbit', (None,) + one_gbit)]
    for label, rate, (_, task, commands) in cases:
        size = archive(portal, task['pairId'], task['archiveId'])['sizeBytes']
        for hop, bps in zip(('Pull', 'Push'), hop_rates(commands, size, script.address[DP_SOURCE], script.address[DP_TARGET])):
            share = bps / RATES[rate]
            print('    %-17s %s %6.1f MB/s  / %.1f MB/s = %.2f   goal >= 0.95   %s'
                  % (label, hop, bps / 1e6, RATES[rate] / 1e6, share, 'met' if share >= 0.95 else 'NOT MET'))


def cleanup():
    for host, vmid in [('pve-dc1', 8100), ('pve-dr1', 8900)] + [('pve-dc%d' % n, 8200 + n) for n in range(1, 5)] \
            + [('pve-dr1', 8950 + n) for n in range(0, 4)] + [('pve-dc1', P2_VM + n) for n in range(4)] \
            + [('pve-dc%d' % n, P2_VM + 10 + n) for n in range(2, 5)] + [('pve-dr1', 8960 + n) for n in range(2, 5)] + [('kvm-dc1', LV_DOMAIN), ('kvm-dr1', LV_TARGET)] \
            + [(h, vm) for h, vm, _, _ in DRILL_PVE + DRILL_KVM] + [(h, vm) for _, _, h, vm in DRILL_PVE + DRILL_KVM] + DRILL_LEFTOVERS \
            + [(DP_SOURCE, DP_VM_LARGE), (DP_SOURCE, DP_VM_SMALL)] \
            + [(DP_TARGET, DP_PORTAL_REPLICA + i) for i in range(4)]:
        try:
            demo_seed.lab('vm', 'destroy', host, vmid)
        except Exception:  # noqa: BLE001  (absent VMs are fine)
            pass


if __name__ == '__main__':
    try:
        main()
    finally:
        # A cut host left cut would break the lab for everyone after us.
        for host in sorted(DRILL_CUT):
            demo_seed.lab('heal', host)
        # So is a link left shaped.
        for host in sorted(DP_SHAPED):
            demo_seed.lab('shape', host, '--off')
        cleanup()
