"""Host kinds and addresses as 'lab.sh up' plans them ('lab.sh plan' changes nothing; no root needed)."""

import os
import shutil
import subprocess
import tempfile
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_SH = os.path.join(LAB, 'lab.sh')


class LabHostsTest(unittest.TestCase):

    def setUp(self):
        self.state = tempfile.mkdtemp(prefix='lab-state-test-')
        self.addCleanup(shutil.rmtree, self.state, True)

    def plan(self, *args):
        env = dict(os.environ, LAB_STATE_DIR=self.state)
        env.pop('LAB_HOSTS', None)
        return subprocess.run(['bash', LAB_SH, 'plan'] + list(args), env=env, capture_output=True, text=True)

    def planned(self, spec):
        proc = self.plan('--hosts', spec)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return [tuple(line.split()) for line in proc.stdout.splitlines()]

    def test_Plan_Default_ThreePveAndTwoKvmHosts(self):
        proc = self.plan()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines(), [
            'pve-dc1 10.250.0.11 primary proxmox', 'pve-dc2 10.250.0.12 primary proxmox',
            'pve-dr1 10.250.0.21 recovery proxmox', 'kvm-dc1 10.250.0.16 primary libvirt',
            'kvm-dr1 10.250.0.26 recovery libvirt'])

    def test_Plan_KvmAddresses_AbovePveOnes_NoCollision(self):
        hosts = self.planned('pve-dc1,pve-dc2,pve-dc3,pve-dc4,pve-dr1,kvm-dc1,kvm-dc2,kvm-dc3,kvm-dc4,'
                             'kvm-dr1,kvm-dr4')
        addresses = {name: addr for name, addr, _, _ in hosts}
        self.assertEqual([addresses['kvm-dc%d' % n] for n in range(1, 5)],
                         ['10.250.0.16', '10.250.0.17', '10.250.0.18', '10.250.0.19'])
        self.assertEqual((addresses['kvm-dr1'], addresses['kvm-dr4']), ('10.250.0.26', '10.250.0.29'))
        self.assertEqual(len(set(addresses.values())), len(hosts))

    def test_Plan_KindAndSite_FromName(self):
        hosts = {name: (site, kind) for name, _, site, kind in self.planned('kvm-dc1,kvm-dr2,pve-dr1,lab-x')}
        self.assertEqual(hosts, {'kvm-dc1': ('primary', 'libvirt'), 'kvm-dr2': ('recovery', 'libvirt'),
                                 'pve-dr1': ('recovery', 'proxmox'), 'lab-x': ('primary', 'proxmox')})

    def test_Plan_KvmBeyondFour_NextFreeAddressOfItsSite(self):
        self.assertEqual(self.planned('kvm-dc5,kvm-dr5'),
                         [('kvm-dc5', '10.250.0.11', 'primary', 'libvirt'),
                          ('kvm-dr5', '10.250.0.21', 'recovery', 'libvirt')])

    def test_Plan_Collision_Refused(self):
        proc = self.plan('--hosts', 'kvm-dc1,pve-dc6')
        self.assertEqual(proc.returncode, 1)
        self.assertIn('address 10.250.0.16 is already taken', proc.stderr)

    def test_Plan_HostileHostName_Refused(self):
        for name in ('KVM-dc1', 'kvm_dc1', 'kvm-dc1;id', '-kvm', 'kvm-dc1 x'):
            with self.subTest(name=name):
                proc = self.plan('--hosts', name)
                self.assertEqual(proc.returncode, 1)
                self.assertIn('invalid host name', proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.state, 'hosts')))


if __name__ == '__main__':
    unittest.main()
