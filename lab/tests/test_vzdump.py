"""vzdump against the reference (shared/pve-cli-reference.md), line by line."""

import os
import re
import stat
import subprocess
import time

from emulator_support import EmulatorTestCase, ARCHIVE_RE, NODE

UUID = r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
STAMP = r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}'
SIZE1 = r'\d+\.\d (B|KiB|MiB|GiB|TiB)'
RATE = r'(0 B/s|\d+\.\d (B|KiB|MiB|GiB|TiB)/s)'
DURATION = r'(\d+w )?(\d+d )?(\d+h )?(\d+m )?\d+s'
# sprintf("%3d%% ($done of $total) in $dur, read: $r, write: $w")
PROGRESS = re.compile(r'^INFO: (?P<pct>[ \d]{2}\d)%% \(%s of %s\) in %s, read: %s, write: %s$'
                      % (SIZE1, SIZE1, DURATION, RATE, RATE))


class VzdumpOutputTest(EmulatorTestCase):

    def assert_lines(self, lines, patterns):
        """Every pattern matches the next line, in order; progress lines may repeat."""
        i = 0
        for pattern in patterns:
            if pattern == 'PROGRESS':
                self.assertRegex(lines[i], PROGRESS)
                while i + 1 < len(lines) and PROGRESS.match(lines[i + 1]):
                    i += 1
                self.assertIn(PROGRESS.match(lines[i]).group('pct'), ('100',), 'last progress line is 100%')
            else:
                self.assertRegex(lines[i], '^' + pattern + '$')
            i += 1
        self.assertEqual(i, len(lines), 'unexpected extra lines: %r' % lines[i:])

    def test_Backup_RunningVmSnapshot_PrintsReferenceSequence(self):
        self.create_vm(100, size='16M', fill=0.5, name='web01', running=True)
        proc = self.ok('vzdump', 100, '--dumpdir', self.dumpdir, '--compress', 'zstd', '--mode', 'snapshot')
        d = re.escape(self.dumpdir)
        self.assert_lines(proc.stdout.splitlines(), [
            r'INFO: starting new backup job: vzdump 100 --dumpdir %s --compress zstd --mode snapshot' % d,
            r'INFO: Starting Backup of VM 100 \(qemu\)',
            r'INFO: Backup started at %s' % STAMP,
            r'INFO: status = running',
            r'INFO: VM Name: web01',
            r"INFO: include disk 'scsi0' 'local:100/vm-100-disk-0.raw' 16M",
            r'INFO: backup mode: snapshot',
            r'INFO: ionice priority: 7',
            r"INFO: creating vzdump archive '%s/vzdump-qemu-100-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst'" % d,
            r"INFO: started backup task '%s'" % UUID,
            r'INFO: resuming VM again',
            'PROGRESS',
            r'INFO: backup is sparse: \d+\.\d\d (B|KiB|MiB|GiB) \(\d+%\) total zero data',
            r'INFO: transferred 16\.00 MiB in (<1|\d+) seconds( \(%s\))?' % RATE,
            r'INFO: archive file size: \d+(KB|MB)',
            r'INFO: Finished Backup of VM 100 \(\d\d:\d\d:\d\d\)',
            r'INFO: Backup finished at %s' % STAMP,
            r'INFO: Backup job finished successfully',
        ])
        self.assertEqual(proc.stderr, '')
        self.assertEqual(self.ok('qm', 'status', 100).stdout, 'status: running\n')
        self.assertNotIn('lock:', self.config(100))

    def test_Backup_StoppedVm_UsesStopModeAndStartsKvmForTheTask(self):
        self.create_vm(101, size='8M', fill=0.25)
        proc = self.ok('vzdump', 101, '--dumpdir', self.dumpdir, '--mode', 'snapshot')
        lines = proc.stdout.splitlines()
        expected_order = ['INFO: status = stopped', 'INFO: backup mode: stop', 'INFO: ionice priority: 7',
                          "INFO: include disk 'scsi0' 'local:101/vm-101-disk-0.raw' 8M",
                          'INFO: starting kvm to execute backup task', 'INFO: stopping kvm after backup task',
                          'INFO: Backup job finished successfully']
        positions = [lines.index(line) for line in expected_order]
        self.assertEqual(positions, sorted(positions), proc.stdout)
        self.assertNotIn('VM Name:', proc.stdout, 'a VM without a name has no VM Name line')
        self.assertEqual(self.ok('qm', 'status', 101).stdout, 'status: stopped\n')

    def test_Backup_ArchiveName_MatchesProxmoxRegexInLocalTime(self):
        self.create_vm(102)
        before = time.time()
        path, proc = self.backup(102, '--compress', 'zstd')
        after = time.time()
        name = os.path.basename(path)
        match = ARCHIVE_RE.match(name)
        self.assertIsNotNone(match, name)
        self.assertEqual(match.group(1), 'qemu')
        self.assertEqual(match.group(2), '102')
        stamp = time.mktime(tuple(int(match.group(i)) for i in range(3, 9)) + (0, 0, -1))
        self.assertTrue(int(before) - 1 <= stamp <= after + 1, 'archive time is not local time: %s' % name)
        self.assertIn("creating vzdump archive '%s'" % path, proc.stdout)
        base = name[:-len('.vma.zst')]
        self.assertEqual(sorted(os.listdir(self.dumpdir)), sorted([name, base + '.log']),
                         'only the archive and its .log remain (no .dat, no .tmp)')

    def test_Backup_LogBesideArchive_HasTimestampedTaskLines(self):
        self.create_vm(103, name='db01')
        path, proc = self.backup(103)
        log = re.sub(r'\.vma$', '.log', path)
        with open(log) as f:
            lines = f.read().splitlines()
        self.assertRegex(lines[0], r'^%s INFO: Starting Backup of VM 103 \(qemu\)$' % STAMP)
        self.assertRegex(lines[-1], r'^%s INFO: Finished Backup of VM 103 \(\d\d:\d\d:\d\d\)$' % STAMP)
        self.assertFalse(any('starting new backup job' in line for line in lines), 'job lines are not task lines')

    def test_Backup_EachCompressor_WritesARealFileOfThatKind(self):
        self.create_vm(104, size='4M', fill=0.5)
        cases = [('0', '.vma', None), ('1', '.vma.lzo', ['lzop', '-t']), ('lzo', '.vma.lzo', ['lzop', '-t']),
                 ('gzip', '.vma.gz', ['gzip', '-t']), ('zstd', '.vma.zst', ['zstd', '-q', '-t'])]
        for compress, ext, checker in cases:
            with self.subTest(compress=compress):
                path, _ = self.backup(104, '--compress', compress)
                self.assertTrue(path.endswith(ext), path)
                if checker:
                    subprocess.run(checker + [path], check=True, capture_output=True)
                else:
                    with open(path, 'rb') as f:
                        self.assertEqual(f.read(8), b'DRLABVMA')
                os.unlink(path)

    def test_Backup_WhileWriting_UsesDatNameAndLocksTheVm(self):
        self.create_vm(105, size='16M', fill=1)
        proc = subprocess.Popen([os.path.join(os.path.dirname(__file__), '..', 'emulator', 'bin', 'vzdump'),
                                 '105', '--dumpdir', self.dumpdir, '--compress', 'zstd', '--bwlimit', '4096'],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            dat = self.wait_for(lambda: [n for n in os.listdir(self.dumpdir) if n.endswith('.vma.dat')],
                                what='the .dat file')
            self.assertRegex(dat[0], r'^vzdump-qemu-105-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.dat$')
            self.assertIn('lock: backup', self.config(105))
            qm_start = self.run_cmd('qm', 'start', 105)
            self.assertNotEqual(qm_start.returncode, 0)
            self.assertEqual(qm_start.stderr, 'VM is locked (backup)\n')
        finally:
            out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn('INFO: bandwidth limit: 4096 KiB/s', out)
        names = os.listdir(self.dumpdir)
        self.assertFalse([n for n in names if n.endswith('.dat')])
        self.assertEqual(len([n for n in names if n.endswith('.vma.zst')]), 1)
        self.assertNotIn('lock:', self.config(105))

    def test_Backup_SlowRun_PrintsIntermediateProgressInThreeColumns(self):
        self.create_vm(106, size='20M', fill=1)
        proc = self.ok('vzdump', 106, '--dumpdir', self.dumpdir, '--bwlimit', '4096')
        progress = [l for l in proc.stdout.splitlines() if PROGRESS.match(l)]
        self.assertGreaterEqual(len(progress), 2, proc.stdout)
        for line in progress:
            pct = PROGRESS.match(line).group('pct')
            self.assertEqual(len(pct), 3)
            self.assertEqual(line[len('INFO: '):].index('%'), 3, 'percent right-aligned in 3 columns: %r' % line)
        self.assertTrue(progress[-1].startswith('INFO: 100% (20.0 MiB of 20.0 MiB) in '), progress[-1])
        self.assertRegex(progress[0], r'^INFO:  \d\d% ')

    def test_Backup_UnknownVm_ReportsFailureAndExits255(self):
        proc = self.run_cmd('vzdump', 999, '--dumpdir', self.dumpdir)
        self.assertEqual(proc.returncode, 255)
        lines = proc.stdout.splitlines()
        self.assertRegex(lines[0], r'^INFO: starting new backup job: vzdump 999 ')
        self.assertEqual(lines[1], "ERROR: Backup of VM 999 failed - unable to find VM '999'")
        self.assertRegex(lines[2], r'^INFO: Failed at %s$' % STAMP)
        self.assertEqual(lines[3], 'INFO: Backup job finished with errors')
        self.assertEqual(len(lines), 4)
        self.assertEqual(proc.stderr, 'job errors\n')
        self.assertEqual(os.listdir(self.dumpdir), [])

    def test_Backup_NonNumericVmid_StrangeVmIdOnStderr(self):
        proc = self.run_cmd('vzdump', 'abc', '--dumpdir', self.dumpdir)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, '')
        self.assertEqual(proc.stderr, "ERROR: strange VM ID 'abc'\n")

    def test_Backup_VmidOutOfRange_ParameterErrorBeforeTheTask(self):
        proc = self.run_cmd('vzdump', '99', '--dumpdir', self.dumpdir)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, '')
        self.assertIn('400 Parameter verification failed.', proc.stderr)

    def test_Backup_ParameterErrors_MessagesFromReference(self):
        self.create_vm(107)
        self.create_vm(108)
        missing = os.path.join(self.root, 'nowhere')
        cases = [
            (['107', '--storage', 'local', '--dumpdir', self.dumpdir],
             "cannot use options 'storage' and 'dumpdir' at the same time\n"),
            (['107', '--storage', 'local', '--stdout'], "cannot use options 'storage' and 'stdout' at the same time\n"),
            (['107,108', '--stdout', '--dumpdir', self.dumpdir], 'you can only backup a single VM with option --stdout\n'),
            (['107', '--dumpdir', missing], "dumpdir '%s' does not exist\n" % missing),
            (['107', '--dumpdir', missing + '/'], "dumpdir '%s' does not exist\n" % missing),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                proc = self.run_cmd('vzdump', *args)
                self.assertNotEqual(proc.returncode, 0)
                self.assertEqual(proc.stderr, message)
                self.assertEqual(proc.stdout, '')

    def test_Backup_BadOptionValue_ParameterVerificationFailed(self):
        self.create_vm(109)
        proc = self.run_cmd('vzdump', 109, '--compress', 'xz')
        self.assertEqual(proc.returncode, 255)
        self.assertTrue(proc.stderr.startswith(
            "400 Parameter verification failed.\ncompress: value 'xz' does not have a value in the enumeration "
            "'0, 1, gzip, lzo, zstd'\n"), proc.stderr)

    def test_Backup_DefaultStorage_WritesToLocalDumpDirectory(self):
        self.create_vm(110)
        proc = self.ok('vzdump', 110)
        self.assertRegex(proc.stdout, r"creating vzdump archive '%s/vzdump-qemu-110-[0-9_-]+\.vma'"
                         % re.escape(self.dumpdir))
        self.assertEqual(len(self.archives()), 1)

    def test_Backup_UnknownStorage_FailsBeforeTheTask(self):
        self.create_vm(111)
        proc = self.run_cmd('vzdump', 111, '--storage', 'nfs1')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stdout, '')
        self.assertEqual(proc.stderr, "could not activate storage 'nfs1': storage 'nfs1' does not exist\n"
                                      "could not get storage information for 'nfs1': storage 'nfs1' does not exist\n")

    def test_Backup_LockedVm_TaskFailsWithLockMessage(self):
        self.create_vm(112)
        self.ok('qm', 'set', 112, '--lock', 'create')
        proc = self.run_cmd('vzdump', 112, '--dumpdir', self.dumpdir)
        self.assertEqual(proc.returncode, 255)
        self.assertIn('ERROR: Backup of VM 112 failed - VM is locked (create)\n', proc.stdout)
        self.assertEqual(proc.stderr, 'job errors\n')
        self.assertIn('lock: create', self.config(112), 'a lock that is not ours stays')
        self.assertEqual(self.archives(), [])

    def test_Backup_TwoVms_OneMissing_BacksUpTheOtherAndReportsJobErrors(self):
        self.create_vm(113)
        proc = self.run_cmd('vzdump', '113,998', '--dumpdir', self.dumpdir)
        self.assertEqual(proc.returncode, 255)
        self.assertIn('INFO: Finished Backup of VM 113', proc.stdout)
        self.assertIn("ERROR: Backup of VM 998 failed - unable to find VM '998'", proc.stdout)
        self.assertEqual(len(self.archives()), 1)

    def test_Backup_Stdout_ArchiveOnStdoutAndLogOnStderr(self):
        self.create_vm(114, size='4M')
        proc = self.run_cmd('vzdump', 114, '--stdout', '--dumpdir', self.dumpdir, binary=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout[:8], b'DRLABVMA')
        err = proc.stderr.decode()
        self.assertIn('INFO: sending archive to stdout', err)
        self.assertIn('INFO: Backup job finished successfully', err)
        self.assertEqual(self.archives(), [])
        restore = self.run_cmd('qmrestore', '-', 214, stdin=proc.stdout, binary=True)
        self.assertEqual(restore.returncode, 0, restore.stderr)
        self.assertEqual(self.checksums(214), self.checksums(114))

    def test_Backup_Quiet_PrintsNothing(self):
        self.create_vm(115)
        proc = self.ok('vzdump', 115, '--dumpdir', self.dumpdir, '--quiet', '1')
        self.assertEqual(proc.stdout, '')
        self.assertEqual(len(self.archives()), 1)

    def test_Backup_NotesTemplateWithUnknownVariable_WarnsAndExitsZero(self):
        self.create_vm(116, name='app')
        proc = self.ok('vzdump', 116, '--storage', 'local', '--notes-template', '{{guestname}} {{bogus}}')
        self.assertIn("WARN: unable to add notes - unexpected variable name 'bogus'", proc.stdout)
        self.assertEqual(proc.stderr, 'Task finished with 1 warning(s)!\n')

    def test_Backup_NotesTemplate_WritesNotesFile(self):
        self.create_vm(117, name='app')
        proc = self.ok('vzdump', 117, '--storage', 'local', '--notes-template', '{{guestname}} on {{node}}')
        archive = self.archives()[0]
        with open(os.path.join(self.dumpdir, archive + '.notes')) as f:
            self.assertEqual(f.read(), 'app on %s' % NODE)
        self.assertIn('INFO: adding notes to backup', proc.stdout)

    def test_Backup_PruneKeepLast_RemovesOlderArchives(self):
        self.create_vm(118)
        first, _ = self.backup(118)
        time.sleep(1.1)     # archive names have a one-second resolution
        _, proc = self.backup(118, '--prune-backups', 'keep-last=1')
        self.assertIn('INFO: prune older backups with retention: keep-last=1', proc.stdout)
        self.assertIn("INFO: delete old backup '%s'" % first, proc.stdout)
        self.assertIn('INFO: pruned 1 backup(s) not covered by keep-retention policy', proc.stdout)
        self.assertEqual(len(self.archives()), 1)
        self.assertFalse(os.path.exists(first))

    def test_Backup_CompressorFails_CleansUpAndReportsError(self):
        self.create_vm(119, size='8M', fill=1)
        fake = os.path.join(self.root, 'fakebin')
        os.makedirs(fake)
        with open(os.path.join(fake, 'zstd'), 'w') as f:
            f.write('#!/bin/sh\nexit 3\n')
        os.chmod(os.path.join(fake, 'zstd'), stat.S_IRWXU)
        env = dict(self.env, PATH=fake + os.pathsep + self.env['PATH'])
        proc = self.run_cmd('vzdump', 119, '--dumpdir', self.dumpdir, '--compress', 'zstd', env=env)
        self.assertEqual(proc.returncode, 255)
        self.assertRegex(proc.stdout, r'ERROR: Backup of VM 119 failed - (vma_queue_write: write error - Broken pipe|'
                                      r'zstd --threads=1 failed - wrong exit status 3)\n')
        self.assertIn('INFO: Backup job finished with errors', proc.stdout)
        self.assertEqual(proc.stderr, 'job errors\n')
        names = os.listdir(self.dumpdir)
        self.assertFalse([n for n in names if n.endswith('.dat') or n.endswith('.tmp')], names)
        self.assertEqual([n for n in names if n.endswith('.log')].__len__(), 1, 'the log is kept on failure')
        self.assertNotIn('lock:', self.config(119))
        self.assertEqual(self.ok('qm', 'status', 119).stdout, 'status: stopped\n')

    def test_Backup_All_BacksUpEveryVmExceptExcluded(self):
        for vmid in (120, 121, 122):
            self.create_vm(vmid, size='1M')
        proc = self.ok('vzdump', '--all', '--exclude', '121', '--dumpdir', self.dumpdir)
        self.assertIn('Starting Backup of VM 120', proc.stdout)
        self.assertNotIn('Starting Backup of VM 121', proc.stdout)
        self.assertIn('Starting Backup of VM 122', proc.stdout)
        self.assertEqual(len(self.archives()), 2)
