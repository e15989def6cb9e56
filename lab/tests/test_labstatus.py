"""'lab.sh status --json' keeps the shape other tooling reads (no lab needed)."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_SH = os.path.join(LAB, 'lab.sh')


class LabStatusTest(unittest.TestCase):

    def setUp(self):
        self.state = tempfile.mkdtemp(prefix='lab-state-test-')
        self.addCleanup(shutil.rmtree, self.state, True)

    def add_host(self, name, addr, site, kind=None):
        hd = os.path.join(self.state, 'hosts', name)
        os.makedirs(os.path.join(hd, 'ssh'))
        with open(os.path.join(hd, 'host.env'), 'w') as f:
            f.write('NAME=%s\nADDR=%s\nSITE=%s\nNETNS=drlab-%s\nVETH=drlab-vtest%s\n'
                    % (name, addr, site, name, addr.rsplit('.', 1)[1]))
            if kind:
                f.write('KIND=%s\n' % kind)
        key = os.path.join(hd, 'ssh', 'ssh_host_ed25519_key')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'root@' + name, '-f', key], check=True)
        return hd, key + '.pub'

    def status(self, *args):
        env = dict(os.environ, LAB_STATE_DIR=self.state)
        return subprocess.run(['bash', LAB_SH, 'status'] + list(args), env=env, capture_output=True, text=True)

    def test_StatusJson_ShapeAndValues(self):
        _, pub = self.add_host('pve-dr1', '10.250.0.21', 'recovery')
        hd, _ = self.add_host('pve-dc1', '10.250.0.11', 'primary')
        with open(os.path.join(hd, 'shape.rate'), 'w') as f:
            f.write('42mbit\n')
        proc = self.status('--json')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        data = json.loads(proc.stdout)
        self.assertEqual(data['bridge'], 'drlab0')
        self.assertEqual([h['name'] for h in data['hosts']], ['pve-dc1', 'pve-dr1'], 'sorted by address')
        for host in data['hosts']:
            self.assertEqual(sorted(host), sorted(['name', 'address', 'site', 'kind', 'sshd', 'hostKey', 'fingerprint',
                                                   'link', 'rate', 'delay', 'passwordLogin', 'dumpFree']))
            self.assertIn(host['sshd'], ('running', 'stopped'))
            self.assertIn(host['link'], ('up', 'down'))
        dr = data['hosts'][1]
        self.assertEqual((dr['address'], dr['site'], dr['sshd'], dr['link']),
                         ('10.250.0.21', 'recovery', 'stopped', 'down'))
        with open(pub) as f:
            kind, b64 = f.read().split()[:2]
        self.assertEqual(dr['hostKey'], '%s %s' % (kind, b64))
        expected = 'SHA256:' + base64.b64encode(hashlib.sha256(base64.b64decode(b64)).digest()).decode().rstrip('=')
        self.assertEqual(dr['fingerprint'], expected)
        keygen = subprocess.run(['ssh-keygen', '-l', '-E', 'sha256', '-f', pub], capture_output=True, text=True)
        self.assertEqual(keygen.stdout.split()[1], expected)
        self.assertIsNone(data['hosts'][0]['rate'], 'a rate without a tbf qdisc on the link is not reported')

    def test_StatusJson_Kind_FromHostEnvOrName(self):
        self.add_host('pve-dc1', '10.250.0.11', 'primary', kind='proxmox')
        self.add_host('kvm-dc1', '10.250.0.16', 'primary', kind='libvirt')
        self.add_host('kvm-dr1', '10.250.0.26', 'recovery')
        self.add_host('pve-dr1', '10.250.0.21', 'recovery')
        proc = self.status('--json')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        kinds = [(h['name'], h['kind']) for h in json.loads(proc.stdout)['hosts']]
        self.assertEqual(kinds, [('pve-dc1', 'proxmox'), ('kvm-dc1', 'libvirt'), ('pve-dr1', 'proxmox'),
                                 ('kvm-dr1', 'libvirt')])
        self.assertRegex(self.status().stdout, r'(?m)^kvm-dc1 +10\.250\.0\.16 +primary +libvirt +stopped ')

    def test_StatusJson_LabDown_NoHosts(self):
        proc = self.status('--json')
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(json.loads(proc.stdout), {'bridge': 'drlab0', 'hosts': []})
        self.assertEqual(self.status().stdout, 'the lab is down\n')

    def test_LabSh_UnknownCommand_Exit2WithUsage(self):
        proc = subprocess.run(['bash', LAB_SH, 'frobnicate'], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn('usage: lab.sh <command>', proc.stderr)
        self.assertIn("unknown command 'frobnicate'", proc.stderr)
