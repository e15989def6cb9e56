"""The lab's VM tool: real sparse disks at a density, stable checksum lines."""

import os
import subprocess

from emulator_support import EmulatorTestCase, LABVM, PYTHON


class LabVmTest(EmulatorTestCase):

    def disk(self, vmid, n=0):
        return os.path.join(self.root, 'var/lib/vz/images/%d/vm-%d-disk-%d.raw' % (vmid, vmid, n))

    def test_Create_FillFraction_AllocatesThatShareOfBlocks(self):
        self.create_vm(100, size='16M', fill=0.25)
        path = self.disk(100)
        self.assertEqual(os.path.getsize(path), 16 * 1024 * 1024)
        allocated = os.stat(path).st_blocks * 512
        self.assertAlmostEqual(allocated / (16 * 1024 * 1024), 0.25, delta=0.03)

    def test_Create_FullAndEmpty(self):
        self.create_vm(101, size='4M', fill=1)
        self.create_vm(102, size='4M', fill=0)
        self.assertGreaterEqual(os.stat(self.disk(101)).st_blocks * 512, 4 * 1024 * 1024)
        self.assertEqual(os.stat(self.disk(102)).st_blocks, 0)

    def test_Checksum_OneLinePerDiskWithSha256(self):
        self.create_vm(103, size='2M', disks=3)
        out = self.checksums(103)
        self.assertRegex(out, r'^scsi0 [0-9a-f]{64}\nscsi1 [0-9a-f]{64}\nscsi2 [0-9a-f]{64}\n$')
        import hashlib
        with open(self.disk(103, 1), 'rb') as f:
            self.assertEqual(out.splitlines()[1].split()[1], hashlib.sha256(f.read()).hexdigest())

    def test_Change_RewritesBlocksAndChangesChecksum(self):
        self.create_vm(104, size='4M', fill=0.5)
        before = self.checksums(104)
        out = self.labvm('change', 104, '--percent', 10)
        self.assertEqual(out, 'scsi0 rewrote 6 of 64 blocks\n')
        self.assertNotEqual(self.checksums(104), before)

    def test_List_ShowsVmsWithDisks(self):
        self.create_vm(105, size='2M', name='web01', running=True)
        self.create_vm(106, size='1M')
        self.assertEqual(self.labvm('list'), '105 web01 running scsi0:2M\n106 VM 106 stopped scsi0:1M\n')

    def test_Destroy_RemovesEverything(self):
        self.create_vm(107, size='1M', running=True)
        self.labvm('destroy', 107)
        self.assertEqual(self.labvm('list'), '')
        self.assertFalse(os.path.exists(os.path.dirname(self.disk(107))))

    def test_Create_Existing_Refused(self):
        self.create_vm(108, size='1M')
        proc = subprocess.run([PYTHON, LABVM, 'create', '108'], env=self.env, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr, 'lab vm: VM 108 already exists\n')

    def test_Create_BadArguments_Refused(self):
        for args in (['create', '99'], ['create', '109', '--fill', '1.5'], ['create', '109', '--size', '10X']):
            with self.subTest(args=args):
                proc = subprocess.run([PYTHON, LABVM] + args, env=self.env, capture_output=True, text=True)
                self.assertEqual(proc.returncode, 2)
        self.assertFalse(os.path.exists(self.config_path(109)))
