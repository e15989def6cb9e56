"""Smoke test of the real lab: only with LAB_SMOKE=1 (needs root and namespaces).

Brings the lab up (or uses the one that is up), authorizes a throwaway key,
pins the host keys from 'lab.sh status --json', and checks over SSH that each
host answers as its node with its kind's commands on its PATH (Proxmox: the
emulator; libvirt: virsh talking to the host's own real libvirtd); then backs up
a VM on a primary Proxmox host and restores it on a recovery one, byte for byte,
and on a libvirt host runs a real domain with a qcow2 disk through a change and
a full 'virsh backup-begin' whose guest-visible content equals the domain's.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_SH = os.path.join(LAB, 'lab.sh')
VMID = 990001
DOMAIN = 'smoke-kvm'
BACKUP = '/var/lib/libvirt/drportal/smoke-kvm-full.qcow2'


def lab(*args, check=True):
    proc = subprocess.run(['bash', LAB_SH] + [str(a) for a in args], capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError('lab.sh %s failed (%d):\n%s%s' % (' '.join(map(str, args)), proc.returncode,
                                                                 proc.stdout, proc.stderr))
    return proc


@unittest.skipUnless(os.environ.get('LAB_SMOKE') == '1', 'the lab smoke test runs only with LAB_SMOKE=1 (root)')
class LabSmokeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        status = json.loads(lab('status', '--json').stdout)
        cls.started_here = not status['hosts']
        if cls.started_here:
            lab('up')
        cls.hosts = json.loads(lab('status', '--json').stdout)['hosts']
        cls.tmp = tempfile.mkdtemp(prefix='lab-smoke-')
        cls.key = os.path.join(cls.tmp, 'id_ed25519')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'lab-smoke', '-f', cls.key], check=True)
        lab('authorize', cls.key + '.pub')
        cls.known_hosts = os.path.join(cls.tmp, 'known_hosts')
        with open(cls.known_hosts, 'w') as f:
            for host in cls.hosts:
                f.write('%s %s\n' % (host['address'], host['hostKey']))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if cls.started_here:
            lab('down', check=False)

    def ssh_opts(self):
        return ['-i', self.key, '-o', 'UserKnownHostsFile=' + self.known_hosts, '-o', 'StrictHostKeyChecking=yes',
                '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR']

    def ssh(self, address, command):
        return subprocess.run(['ssh'] + self.ssh_opts() + ['root@' + address, command],
                              capture_output=True, text=True, timeout=300)

    def hosts_of(self, kind, site):
        return [h for h in self.hosts if h['kind'] == kind and h['site'] == site]

    def test_EveryHost_AnswersOverSshAsItsNode(self):
        self.assertGreaterEqual(len(self.hosts), 1)
        for host in self.hosts:
            with self.subTest(host=host['name']):
                self.assertEqual(host['sshd'], 'running')
                if host['kind'] == 'libvirt':
                    proc = self.ssh(host['address'], 'hostname; command -v virsh qemu-img qemu-io; '
                                                     'command -v vzdump || echo no-vzdump; virsh version')
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    lines = proc.stdout.splitlines()
                    self.assertEqual(lines[:5], [host['name'], '/usr/bin/virsh', '/usr/bin/qemu-img',
                                                 '/usr/bin/qemu-io', 'no-vzdump'])
                    self.assertRegex(proc.stdout, r'(?m)^Running hypervisor: QEMU \d+\.')
                    continue
                proc = self.ssh(host['address'], 'hostname; command -v vzdump qmrestore qm pvesh; qm list; pveversion')
                self.assertEqual(proc.returncode, 0, proc.stderr)
                lines = proc.stdout.splitlines()
                self.assertEqual(lines[0], host['name'])
                self.assertEqual(lines[1:5], ['/usr/sbin/vzdump', '/usr/sbin/qmrestore', '/usr/sbin/qm',
                                              '/usr/sbin/pvesh'])
                self.assertRegex(lines[-1], r'^pve-manager/')

    def test_BackupOnPrimary_RestoreOnRecovery_SameBytes(self):
        primary, recovery = self.hosts_of('proxmox', 'primary'), self.hosts_of('proxmox', 'recovery')
        if not primary or not recovery:
            self.fail('the lab needs a primary and a recovery Proxmox host for this test')
        src, dst = primary[0], recovery[0]
        lab('vm', 'create', src['name'], VMID, '--size', '32M', '--fill', '0.5', '--name', 'smoke')
        self.addCleanup(lab, 'vm', 'destroy', src['name'], VMID, check=False)
        proc = self.ssh(src['address'], 'vzdump %d --dumpdir /var/lib/vz/dump --compress zstd --mode snapshot' % VMID)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn('INFO: Backup job finished successfully', proc.stdout)
        archive = re.search(r"creating vzdump archive '(/var/lib/vz/dump/vzdump-qemu-%d-[0-9_-]+\.vma\.zst)'"
                            % VMID, proc.stdout).group(1)
        self.addCleanup(self.ssh, src['address'], 'rm -f /var/lib/vz/dump/vzdump-qemu-%d-*' % VMID)
        local = os.path.join(self.tmp, os.path.basename(archive))
        rsync_ssh = 'ssh ' + ' '.join(self.ssh_opts())
        for source, target in (('root@%s:%s' % (src['address'], archive), local),
                               (local, 'root@%s:/var/lib/vz/dump/' % dst['address'])):
            subprocess.run(['rsync', '-a', '--partial', '-e', rsync_ssh, source, target], check=True, timeout=300)
        self.addCleanup(self.ssh, dst['address'], 'rm -f /var/lib/vz/dump/vzdump-qemu-%d-*' % VMID)
        proc = self.ssh(dst['address'], 'qmrestore %s %d' % (archive, VMID))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.addCleanup(lab, 'vm', 'destroy', dst['name'], VMID, check=False)
        self.assertEqual(proc.stdout.splitlines()[-1], 'rescan volumes...')
        source_sums = lab('vm', 'checksum', src['name'], VMID).stdout
        self.assertRegex(source_sums, r'^scsi0 [0-9a-f]{64}\n$')
        self.assertEqual(lab('vm', 'checksum', dst['name'], VMID).stdout, source_sums)

    def test_KvmDomain_ChangeAndFullBackup_GuestVisibleChecksums(self):
        hosts = self.hosts_of('libvirt', 'primary')
        if not hosts:
            self.fail('the lab needs a primary libvirt host (kvm-dc1) for this test')
        name = hosts[0]['name']
        lab('vm', 'create', name, DOMAIN, '--size', '32M', '--fill', '0.5', '--running')
        self.addCleanup(lab, 'vm', 'destroy', name, DOMAIN, check=False)
        self.assertIn('%s running vda:32M' % DOMAIN, lab('vm', 'list', name).stdout.splitlines())
        xml = lab('exec', name, '--', 'virsh', 'dumpxml', DOMAIN).stdout
        self.assertIn("<source file='/var/lib/libvirt/images/%s-vda.qcow2'" % DOMAIN, xml)
        self.assertIn("<driver name='qemu' type='qcow2'/>", xml)
        first = lab('vm', 'checksum', name, DOMAIN).stdout
        self.assertRegex(first, r'^vda [0-9a-f]{64}\n$')
        self.assertEqual(lab('vm', 'checksum', name, DOMAIN).stdout, first, 'stable across two calls')
        self.assertEqual(lab('vm', 'change', name, DOMAIN, '--percent', '1').stdout, 'vda rewrote 5 of 512 blocks\n')
        changed = lab('vm', 'checksum', name, DOMAIN).stdout
        self.assertNotEqual(changed, first)

        backup_xml = ("<domainbackup><disks><disk name='vda' type='file'><target file='%s'/>"
                      "<driver type='qcow2'/></disk></disks></domainbackup>" % BACKUP)
        script = ('set -e; x=$(mktemp); printf "%%s" "$1" >"$x"; virsh backup-begin %s "$x"; rm -f "$x"; '
                  'for i in $(seq 1 300); do virsh domjobinfo %s | grep -q "^Job type: *None" && break; sleep 0.1; '
                  'done; virsh domjobinfo --completed %s' % (DOMAIN, DOMAIN, DOMAIN))
        self.addCleanup(lab, 'exec', name, '--', 'rm', '-f', BACKUP, check=False)
        proc = lab('exec', name, '--', 'sh', '-c', script, 'backup', backup_xml)
        self.assertIn('Backup started', proc.stdout)
        self.assertRegex(proc.stdout, r'(?m)^Job type: +Completed')
        self.assertRegex(proc.stdout, r'(?m)^Operation: +Backup')
        proc = lab('exec', name, '--', 'sh', '-c', 'set -e; r=$(mktemp); qemu-img convert -f qcow2 -O raw "$1" "$r"; '
                   'sha256sum <"$r"; rm -f "$r"', 'sum', BACKUP)
        self.assertEqual('vda ' + proc.stdout.split()[0] + '\n', changed)
        self.assertEqual(lab('vm', 'checksum', name, DOMAIN).stdout, changed, 'the backup did not change the disk')
