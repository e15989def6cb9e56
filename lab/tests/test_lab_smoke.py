"""Smoke test of the real lab: only with LAB_SMOKE=1 (needs root and namespaces).

Brings the lab up (or uses the one that is up), authorizes a throwaway key,
pins the host keys from 'lab.sh status --json', and checks over SSH that each
host answers as its node with the Proxmox commands on its PATH; then backs up
a VM on a primary host and restores it on a recovery host, byte for byte.
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

    def test_EveryHost_AnswersOverSshAsItsNode(self):
        self.assertGreaterEqual(len(self.hosts), 1)
        for host in self.hosts:
            with self.subTest(host=host['name']):
                self.assertEqual(host['sshd'], 'running')
                proc = self.ssh(host['address'], 'hostname; command -v vzdump qmrestore qm pvesh; qm list; pveversion')
                self.assertEqual(proc.returncode, 0, proc.stderr)
                lines = proc.stdout.splitlines()
                self.assertEqual(lines[0], host['name'])
                self.assertEqual(lines[1:5], ['/usr/sbin/vzdump', '/usr/sbin/qmrestore', '/usr/sbin/qm',
                                              '/usr/sbin/pvesh'])
                self.assertRegex(lines[-1], r'^pve-manager/')

    def test_BackupOnPrimary_RestoreOnRecovery_SameBytes(self):
        primary = [h for h in self.hosts if h['site'] == 'primary']
        recovery = [h for h in self.hosts if h['site'] == 'recovery']
        if not primary or not recovery:
            self.fail('the lab needs a primary and a recovery host for this test')
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
