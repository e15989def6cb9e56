"""qm against the reference: list columns, status, config, errors and locks."""

import os

from emulator_support import EmulatorTestCase, NODE

HEADER = '%10s %-20s %-10s %-10s %12s %-10s' % ('VMID', 'NAME', 'STATUS', 'MEM(MB)', 'BOOTDISK(GB)', 'PID')


class QmTest(EmulatorTestCase):

    def test_List_NoVms_PrintsNothing(self):
        proc = self.ok('qm', 'list')
        self.assertEqual(proc.stdout, '')

    def test_List_Vms_PrintfColumnsSortedByVmid(self):
        self.create_vm(1000, size='2M', name='zeta')
        self.create_vm(200, size='1536K', name='alpha', running=True)
        self.create_vm(105, size='1M')
        lines = self.ok('qm', 'list').stdout.splitlines()
        self.assertEqual(lines[0], '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ')
        self.assertEqual(lines[0], HEADER)
        self.assertEqual(lines[1], '       105 VM 105               stopped    512                0.00 0         ')
        with open(os.path.join(self.root, 'run/qemu-server/200.pid')) as f:
            pid = int(f.read().split()[0])
        self.assertEqual(lines[2], '%10s %-20s %-10s %-10s %12.2f %-10s' % (200, 'alpha', 'running', 512,
                                                                           1536 / 1024 / 1024, pid))
        self.assertEqual(lines[3], '      1000 zeta                 stopped    512                0.00 0         ')
        self.assertEqual(len(lines), 4)

    def test_Status_RunningStoppedPaused(self):
        self.create_vm(101, size='1M')
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: stopped\n')
        self.ok('qm', 'start', 101)
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: running\n')
        self.ok('qm', 'suspend', 101)
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: paused\n')
        self.ok('qm', 'resume', 101)
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: running\n')
        self.ok('qm', 'stop', 101)
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: stopped\n')

    def test_Config_SortedKeyValueLinesWithoutDigest(self):
        self.create_vm(102, size='1M', name='web')
        self.ok('qm', 'set', 102, '--description', 'line one\nline: two')
        lines = self.ok('qm', 'config', 102).stdout.splitlines()
        keys = [line.split(':', 1)[0] for line in lines]
        self.assertEqual(keys, sorted(keys))
        self.assertNotIn('digest', keys)
        for line in lines:
            self.assertRegex(line, r'^[a-z][a-z0-9_-]*: ')
        self.assertIn('description: line one%0Aline%3A two', lines)
        self.assertIn('name: web', lines)
        self.assertIn('scsi0: local:102/vm-102-disk-0.raw,iothread=1,size=1M', lines)

    def test_MissingVm_StatusConfigDestroyStart_ConfigurationFileDoesNotExist(self):
        message = "Configuration file 'nodes/%s/qemu-server/999.conf' does not exist\n" % NODE
        for cmd in ('status', 'config', 'destroy', 'start'):
            with self.subTest(cmd=cmd):
                proc = self.run_cmd('qm', cmd, 999)
                self.assertNotEqual(proc.returncode, 0)
                self.assertEqual(proc.stderr, message)
                self.assertEqual(proc.stdout, '')

    def test_MissingVm_Stop_UnableToFindConfigurationFile(self):
        proc = self.run_cmd('qm', 'stop', 999)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, "unable to find configuration file for VM 999 on node '%s'\n" % NODE)

    def test_MissingVm_Shutdown_WarnedByThePausedCheck_ThenTheTaskFailsWithTheSameMessage(self):
        proc = self.run_cmd('qm', 'shutdown', 999)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, "unable to find configuration file for VM 999 on node '%s'\n" % NODE * 2)
        self.assertEqual(proc.stdout, '')

    def test_Start_RunningVm_AlreadyRunning(self):
        self.create_vm(103, size='1M', running=True)
        proc = self.run_cmd('qm', 'start', 103)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, 'VM 103 already running\n')

    def test_Stop_StoppedVm_SilentSuccess(self):
        self.create_vm(104, size='1M')
        proc = self.ok('qm', 'stop', 104)
        self.assertEqual((proc.stdout, proc.stderr), ('', ''))

    def test_Shutdown_StoppedVm_WarnsNotRunningOnStderr_AndExitsZero(self):
        self.create_vm(104, size='1M')
        proc = self.ok('qm', 'shutdown', 104)
        self.assertEqual((proc.stdout, proc.stderr), ('', 'VM 104 not running\n\n'))

    def test_Shutdown_RunningVm_StopsItSilently(self):
        self.create_vm(104, size='1M', running=True)
        proc = self.ok('qm', 'shutdown', 104)
        self.assertEqual((proc.stdout, proc.stderr), ('', ''))
        self.assertEqual(self.ok('qm', 'status', 104).stdout, 'status: stopped\n')

    def test_Status_AnyQemuStateWord_IsPrintedAsIs(self):
        self.create_vm(109, size='1M', running=True)
        for word in ('prelaunch', 'suspended', 'io-error', 'postmigrate'):
            with self.subTest(word=word):
                with open(os.path.join(self.root, 'run/qemu-server/109.qmpstatus'), 'w') as f:
                    f.write(word + '\n')
                self.assertEqual(self.ok('qm', 'status', 109).stdout, 'status: %s\n' % word)
                # qm list never asks QMP: its column says only running or stopped.
                self.assertIn(' running ', self.ok('qm', 'list').stdout.splitlines()[1])
        verbose = self.ok('qm', 'status', 109, '--verbose').stdout.splitlines()
        self.assertIn('status: running', verbose)
        self.assertIn('qmpstatus: postmigrate', verbose)

    def test_Destroy_RunningVm_Refused(self):
        self.create_vm(105, size='1M', running=True)
        proc = self.run_cmd('qm', 'destroy', 105)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, 'VM 105 is running - destroy failed\n')
        self.assertTrue(os.path.exists(self.config_path(105)))

    def test_Destroy_StoppedVm_RemovesConfigAndDisks(self):
        self.create_vm(106, size='1M')
        self.ok('qm', 'destroy', 106)
        self.assertFalse(os.path.exists(self.config_path(106)))
        self.assertFalse(os.path.exists(os.path.join(self.root, 'var/lib/vz/images/106')))
        self.assertEqual(self.ok('qm', 'list').stdout, '')

    def test_LockedVm_StartStopDestroySet_VmIsLocked(self):
        self.create_vm(107, size='1M')
        self.ok('qm', 'set', 107, '--lock', 'backup')
        for args in (['start', 107], ['stop', 107], ['destroy', 107], ['set', 107, '--name', 'x']):
            with self.subTest(args=args):
                proc = self.run_cmd('qm', *args)
                self.assertNotEqual(proc.returncode, 0)
                self.assertEqual(proc.stderr, 'VM is locked (backup)\n')
        self.assertIn('lock: backup', self.ok('qm', 'config', 107).stdout.splitlines())
        self.ok('qm', 'unlock', 107)
        self.ok('qm', 'start', 107)

    def test_BadVmid_ParameterVerificationFailed(self):
        cases = [('abc', "vmid: type check ('integer') failed - got 'abc'"),
                 ('99', 'vmid: value must have a minimum value of 100'),
                 ('1000000000', 'vmid: value must have a maximum value of 999999999')]
        for value, line in cases:
            with self.subTest(value=value):
                proc = self.run_cmd('qm', 'status', value)
                self.assertEqual(proc.returncode, 255)
                self.assertEqual(proc.stderr.splitlines()[:2], ['400 Parameter verification failed.', line])

    def test_UnknownCommand_Error(self):
        proc = self.run_cmd('qm', 'frobnicate')
        self.assertEqual(proc.returncode, 255)
        self.assertTrue(proc.stderr.startswith("ERROR: unknown command 'qm frobnicate'\n"), proc.stderr)

    def test_Create_LocalDiskSpec_AllocatesSparseDisk(self):
        self.ok('qm', 'create', 108, '--name', 'fresh', '--memory', '1024', '--scsi0', 'local:1',
                '--net0', 'virtio,bridge=vmbr0')
        config = self.config(108)
        self.assertIn('scsi0: local:108/vm-108-disk-0.raw,size=1G\n', config)
        self.assertRegex(config, r'net0: virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0\n')
        disk = os.path.join(self.root, 'var/lib/vz/images/108/vm-108-disk-0.raw')
        self.assertEqual(os.path.getsize(disk), 1 << 30)
        self.assertEqual(os.stat(disk).st_blocks, 0)
        lines = self.ok('qm', 'list').stdout.splitlines()
        self.assertEqual(lines[1], '       108 fresh                stopped    1024               1.00 0         ')
