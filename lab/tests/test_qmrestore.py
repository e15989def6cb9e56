"""qmrestore against the reference: output, refusals, locks and byte-equal disks."""

import os
import re
import subprocess

from emulator_support import EmulatorTestCase, NODE

PROGRESS = re.compile(r'^progress (\d+)% \(read (\d+) bytes, duration (\d+) sec\)$')


class QmrestoreTest(EmulatorTestCase):

    def test_Restore_EachCompressor_RecreatesIdenticalDisks(self):
        self.create_vm(100, size='8M', fill=0.5, name='web01', disks=2)
        source = self.checksums(100)
        self.assertRegex(source, r'^scsi0 [0-9a-f]{64}\nscsi1 [0-9a-f]{64}\n$')
        for n, compress in enumerate(['0', 'lzo', 'gzip', 'zstd']):
            with self.subTest(compress=compress):
                archive, _ = self.backup(100, '--compress', compress)
                target = 500 + n
                self.ok('qmrestore', archive, target)
                self.assertEqual(self.checksums(target), source)
                config = self.config(target)
                self.assertIn('scsi0: local:%d/vm-%d-disk-0.raw,iothread=1,size=8M\n' % (target, target), config)
                self.assertIn('scsi1: local:%d/vm-%d-disk-1.raw,iothread=1,size=8M\n' % (target, target), config)
                self.assertIn('name: web01\n', config)
                self.assertNotIn('lock:', config)
                self.assertNotIn('#qmdump#', config)

    def test_Restore_Output_FollowsReferenceFormat(self):
        self.create_vm(101, size='8M', fill=0.5)
        archive, _ = self.backup(101, '--compress', 'zstd')
        proc = self.ok('qmrestore', archive, 501)
        lines = proc.stdout.splitlines()
        match = re.match(r'^restore vma archive: zstd -q -d -c (\S+) \| vma extract -v -r '
                         r'/var/tmp/vzdumptmp(\d+)\.fifo - /var/tmp/vzdumptmp(\d+)$', lines[0])
        self.assertIsNotNone(match, lines[0])
        self.assertEqual(match.group(1), archive)
        self.assertEqual(match.group(2), match.group(3))
        self.assertRegex(lines[1], r'^CFG: size: \d+ name: qemu-server\.conf$')
        self.assertEqual(lines[2], 'DEV: dev_id=1 size: 8388608 devname: drive-scsi0')
        self.assertRegex(lines[3], r'^CTIME: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|'
                                   r'Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}$')
        self.assertEqual(lines[4], "new volume ID is 'local:501/vm-501-disk-0.raw'")
        disk = os.path.join(self.root, 'var/lib/vz/images/501/vm-501-disk-0.raw')
        self.assertEqual(lines[5], "map 'drive-scsi0' to '%s' (write zeros = 0)" % disk)
        progress = [PROGRESS.match(l) for l in lines[6:-3]]
        self.assertTrue(progress and all(progress), lines[6:-3])
        percents = [int(m.group(1)) for m in progress]
        self.assertEqual(percents, sorted(set(percents)), 'each percent once, rising')
        self.assertEqual(percents[-1], 100)
        self.assertNotIn(0, percents)
        self.assertEqual(progress[-1].group(2), '8388608')
        sparse = re.match(r'^total bytes read 8388608, sparse bytes (\d+) \(([\d.e+-]+)%\)$', lines[-3])
        self.assertIsNotNone(sparse, lines[-3])
        self.assertEqual(int(sparse.group(1)), 4 * 1024 * 1024, 'fill 0.5 leaves half the 64 KiB clusters empty')
        self.assertEqual(sparse.group(2), '50')
        self.assertRegex(lines[-2], r'^space reduction due to 4K zero blocks [\d.e+-]+%$')
        self.assertEqual(lines[-1], 'rescan volumes...')
        self.assertEqual(proc.stderr, '')

    def test_Restore_DecompressorInFirstLine_PerArchiveKind(self):
        self.create_vm(102, size='1M')
        cases = [('gzip', 'zcat '), ('lzo', 'lzop -d -c '), ('zstd', 'zstd -q -d -c ')]
        for n, (compress, prefix) in enumerate(cases):
            with self.subTest(compress=compress):
                archive, _ = self.backup(102, '--compress', compress)
                out = self.ok('qmrestore', archive, 600 + n).stdout.splitlines()[0]
                self.assertTrue(out.startswith('restore vma archive: ' + prefix + archive + ' | vma extract'), out)
        archive, _ = self.backup(102, '--compress', '0')
        out = self.ok('qmrestore', archive, 610).stdout.splitlines()[0]
        self.assertRegex(out, r'^restore vma archive: vma extract -v -r /var/tmp/vzdumptmp\d+\.fifo %s '
                              r'/var/tmp/vzdumptmp\d+$' % re.escape(archive))

    def test_Restore_ExistingVmWithoutForce_RefusedBeforeTheTask(self):
        self.create_vm(103)
        self.create_vm(503, size='2M', fill=1)
        before = self.checksums(503)
        archive, _ = self.backup(103)
        proc = self.run_cmd('qmrestore', archive, 503)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, '')
        self.assertEqual(proc.stderr, "unable to restore VM 503 - VM 503 already exists on node '%s'\n" % NODE)
        self.assertEqual(self.checksums(503), before)
        self.assertNotIn('lock:', self.config(503))

    def test_Restore_MissingArchive_CantFindFile(self):
        missing = os.path.join(self.dumpdir, 'vzdump-qemu-100-2024_01_31-14_05_09.vma.zst')
        proc = self.run_cmd('qmrestore', missing, 504)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, "can't find file '%s'\n" % missing)
        self.assertFalse(os.path.exists(self.config_path(504)))
        volid = 'local:backup/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst'
        proc = self.run_cmd('qmrestore', volid, 504)
        self.assertEqual(proc.stderr, "can't find file '%s'\n" % volid)

    def test_Restore_VolumeIdArchive_RestoresFromLocalStorage(self):
        self.create_vm(104, size='2M')
        archive, _ = self.backup(104, '--compress', 'zstd')
        self.ok('qmrestore', 'local:backup/' + os.path.basename(archive), 505)
        self.assertEqual(self.checksums(505), self.checksums(104))

    def test_Restore_ForceOnStoppedVm_ReplacesDisksAndConfig(self):
        self.create_vm(105, size='4M', fill=0.5, name='new')
        archive, _ = self.backup(105, '--compress', 'zstd')
        self.create_vm(506, size='2M', fill=1, name='old', disks=2)
        self.ok('qmrestore', archive, 506, '--force', '1')
        self.assertEqual(self.checksums(506), self.checksums(105))
        config = self.config(506)
        self.assertIn('name: new\n', config)
        self.assertNotIn('scsi1', config)
        images = sorted(os.listdir(os.path.join(self.root, 'var/lib/vz/images/506')))
        self.assertEqual(images, ['vm-506-disk-0.raw'], 'the old disks are gone')

    def test_Restore_ForceOnRunningVm_RefusedAndVmUntouched(self):
        self.create_vm(106, size='2M')
        archive, _ = self.backup(106)
        self.create_vm(507, size='2M', fill=1, running=True)
        before = self.checksums(507)
        proc = self.run_cmd('qmrestore', archive, 507, '--force', '1')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stderr, 'unable to restore VM 507 - vm is running\n')
        self.assertEqual(self.checksums(507), before)
        self.assertEqual(self.ok('qm', 'status', 507).stdout, 'status: running\n')
        self.assertNotIn('lock:', self.config(507))

    def test_Restore_ForceOnProtectedVm_Refused(self):
        self.create_vm(107, size='1M')
        archive, _ = self.backup(107)
        self.create_vm(508, size='1M')
        self.ok('qm', 'set', 508, '--protection', '1')
        proc = self.run_cmd('qmrestore', archive, 508, '--force', '1')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stderr, 'unable to restore VM 508 - protection mode enabled\n')

    def test_Restore_CorruptArchive_WarnsFreesVolumesUnlocksAndKeepsTheStubConfig(self):
        self.create_vm(108, size='8M', fill=1)
        archive, _ = self.backup(108, '--compress', '0')
        with open(archive, 'r+b') as f:
            f.truncate(os.path.getsize(archive) // 2)
        proc = self.run_cmd('qmrestore', archive, 509)
        self.assertEqual(proc.returncode, 255)
        self.assertRegex(proc.stderr, r"^unable to restore VM 509 - command 'set -o pipefail && vma extract .*' "
                                      r"failed: exit code 1\n$")
        # Inside the task the warning, the freed volumes and vma's own error all reach stdout, before the error.
        tail = proc.stdout.splitlines()[-3:]
        self.assertTrue(tail[0].startswith('vma: restore failed - short vma extent'), tail)
        self.assertEqual(tail[1:], [
            'error before or during data restore, some or all disks were not completely restored. '
            'VM 509 state is NOT cleaned up.',
            "temporary volume 'local:509/vm-509-disk-0.raw' successfully removed",
        ])
        self.assertEqual(os.listdir(os.path.join(self.root, 'var/lib/vz/images/509')), [])
        # The lock is gone but the config stays, so the VMID is still taken.
        self.assertNotIn('lock:', self.config(509))
        again = self.run_cmd('qmrestore', archive, 509)
        self.assertEqual(again.stderr, "unable to restore VM 509 - VM 509 already exists on node '%s'\n" % NODE)
        self.assertEqual(self.ok('qm', 'status', 509).stdout, 'status: stopped\n')

    def test_Restore_StorageMissing_FailsInsideTheTaskAfterTheHeader_AndKeepsTheStub(self):
        self.create_vm(114, size='1M')
        archive, _ = self.backup(114)
        proc = self.run_cmd('qmrestore', archive, 515, '--storage', 'fast')
        self.assertEqual(proc.returncode, 255)
        lines = proc.stdout.splitlines()
        self.assertTrue(lines[0].startswith('restore vma archive: '), lines)
        self.assertTrue(lines[3].startswith('CTIME: '), lines)
        self.assertEqual(lines[4:], ['error before or during data restore, some or all disks were not completely '
                                     'restored. VM 515 state is NOT cleaned up.'])
        self.assertEqual(proc.stderr, "unable to restore VM 515 - storage 'fast' does not exist\n")
        self.assertTrue(os.path.exists(self.config_path(515)))
        self.assertNotIn('lock:', self.config(515))

    def test_Restore_StorageMissingWithForce_LeavesTheOldVmAsItWas(self):
        self.create_vm(115, size='1M')
        archive, _ = self.backup(115)
        self.create_vm(516, size='2M', fill=1, name='previous')
        before = (self.config(516), self.checksums(516))
        proc = self.run_cmd('qmrestore', archive, 516, '--force', '1', '--storage', 'fast')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stderr, "unable to restore VM 516 - storage 'fast' does not exist\n")
        self.assertEqual((self.config(516), self.checksums(516)), before)

    def test_Restore_BadStorageId_IsAParameterErrorBeforeTheTask(self):
        self.create_vm(116, size='1M')
        archive, _ = self.backup(116)
        proc = self.run_cmd('qmrestore', archive, 517, '--storage', 'bad id!')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stdout, '')
        self.assertTrue(proc.stderr.startswith('400 Parameter verification failed.\nstorage: '), proc.stderr)
        self.assertFalse(os.path.exists(self.config_path(517)))

    def test_Restore_CorruptArchiveWithForce_OldVmIsGone(self):
        self.create_vm(109, size='4M', fill=1)
        archive, _ = self.backup(109, '--compress', 'zstd')
        with open(archive, 'r+b') as f:
            f.seek(os.path.getsize(archive) // 2)
            f.write(b'\0' * 4096)
        self.create_vm(510, size='2M', fill=1, name='previous')
        proc = self.run_cmd('qmrestore', archive, 510, '--force', '1')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(self.config(510).strip(), '',
                         'like Proxmox: the old disks are destroyed before the data is read; the empty config stays')

    def test_Restore_WhileRunning_ConfigCarriesCreateLock(self):
        self.create_vm(110, size='24M', fill=1)
        archive, _ = self.backup(110, '--compress', 'lzo')
        proc = subprocess.Popen([os.path.join(os.path.dirname(__file__), '..', 'emulator', 'bin', 'qmrestore'),
                                 archive, '511', '--bwlimit', '4096'], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.wait_for(lambda: os.path.exists(self.config_path(511)) and 'lock: create' in self.config(511),
                          what='the create lock')
            status = self.run_cmd('qm', 'status', 511)
            self.assertEqual(status.stdout, 'status: stopped\n')
        finally:
            out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertNotIn('lock:', self.config(511))
        self.assertEqual(self.checksums(511), self.checksums(110))

    def test_Restore_Unique_GivesNewMacAddress(self):
        self.create_vm(111, size='1M')
        archive, _ = self.backup(111)
        self.ok('qmrestore', archive, 512, '--unique', '1')
        self.ok('qmrestore', archive, 513)
        mac = lambda vmid: re.search(r'^net0: virtio=([0-9A-F:]{17})', self.config(vmid), re.M).group(1)
        self.assertNotEqual(mac(512), mac(111))
        self.assertEqual(mac(513), mac(111))

    def test_Restore_Unique_NewProxmoxMacsOnEveryNicAndANewSmbiosUuid_VmgenidAlwaysNew(self):
        self.create_vm(117, size='1M')
        self.ok('qm', 'set', 117, '--net1', 'e1000=02:00:00:00:00:01,bridge=vmbr0,tag=5')
        archive, _ = self.backup(117)
        self.ok('qmrestore', archive, 518, '--unique', '1')
        self.ok('qmrestore', archive, 519)
        key = lambda vmid, k: re.search(r'^%s: (.*)$' % k, self.config(vmid), re.M).group(1)
        self.assertRegex(key(518, 'net0'), r'^virtio=BC:24:11:[0-9A-F:]{8},')
        self.assertRegex(key(518, 'net1'), r'^e1000=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,tag=5$')
        self.assertNotEqual(key(518, 'smbios1'), key(117, 'smbios1'))
        self.assertEqual(key(519, 'net1'), key(117, 'net1'))
        self.assertEqual(key(519, 'smbios1'), key(117, 'smbios1'))
        for vmid in (518, 519):
            self.assertNotEqual(key(vmid, 'vmgenid'), key(117, 'vmgenid'))

    def test_Restore_VmgenidZero_IsKept(self):
        self.create_vm(118, size='1M')
        self.ok('qm', 'set', 118, '--vmgenid', '0')
        archive, _ = self.backup(118)
        self.ok('qmrestore', archive, 520)
        self.assertIn('vmgenid: 0\n', self.config(520))

    def test_Restore_Start_LeavesVmRunning(self):
        self.create_vm(112, size='1M')
        archive, _ = self.backup(112)
        self.ok('qmrestore', archive, 514, '--start', '1')
        self.assertEqual(self.ok('qm', 'status', 514).stdout, 'status: running\n')

    def test_Restore_BadVmid_ParameterError(self):
        self.create_vm(113, size='1M')
        archive, _ = self.backup(113)
        proc = self.run_cmd('qmrestore', archive, '42')
        self.assertEqual(proc.returncode, 255)
        self.assertTrue(proc.stderr.startswith('400 Parameter verification failed.\n'
                                               'vmid: value must have a minimum value of 100\n'), proc.stderr)
