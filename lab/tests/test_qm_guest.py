"""The lab's guests: the marker in the first disk, qm guest cmd / qm agent, halt-after and qm shutdown."""

import json
import os
import time

from emulator_support import EmulatorTestCase, NODE


class QmGuestTest(EmulatorTestCase):

    def guest(self, vmid, *args):
        return self.labvm('guest', vmid, *args)

    def agent_vm(self, vmid, boot=0, agent_option='1'):
        self.create_vm(vmid, size='1M')
        self.guest(vmid, '--agent', '--boot', boot)
        self.ok('qm', 'set', vmid, '--agent', agent_option)

    def ping(self, vmid, cmd=('guest', 'cmd')):
        return self.run_cmd('qm', *cmd, vmid, 'ping')

    # ---------------------------------------------------------------- the agent's checks, in order

    def test_Ping_MissingVm_ConfigurationFileDoesNotExist(self):
        proc = self.ping(190)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, "Configuration file 'nodes/%s/qemu-server/190.conf' does not exist\n" % NODE)

    def test_Ping_NoAgentKey_NoQemuGuestAgentConfigured_EvenWhenTheGuestHasOne(self):
        self.create_vm(200, size='1M')
        self.guest(200, '--agent')
        self.ok('qm', 'start', 200)
        proc = self.ping(200)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual((proc.stdout, proc.stderr), ('', 'No QEMU guest agent configured\n'))

    def test_Ping_StoppedVm_VmIsNotRunning(self):
        self.agent_vm(201)
        proc = self.ping(201)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, 'VM 201 is not running\n')

    def test_Ping_AgentRunning_PrintsNothingAndExitsZero(self):
        self.agent_vm(202)
        self.ok('qm', 'start', 202)
        proc = self.ok('qm', 'guest', 'cmd', 202, 'ping')
        self.assertEqual((proc.stdout, proc.stderr), ('', ''))

    def test_Agent_IsASilentAliasOfGuestCmd(self):
        self.agent_vm(203)
        self.ok('qm', 'start', 203)
        proc = self.ok('qm', 'agent', 203, 'ping')
        self.assertEqual((proc.stdout, proc.stderr), ('', ''))

    def test_Ping_GuestWithoutAgent_QemuGuestAgentIsNotRunning_AfterThePingTimeout(self):
        self.create_vm(204, size='1M')
        self.ok('qm', 'set', 204, '--agent', '1')
        self.ok('qm', 'start', 204)
        started = time.time()
        proc = self.ping(204)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, 'QEMU guest agent is not running\n')
        self.assertGreaterEqual(time.time() - started, 2.9, 'guest-ping has a 3 s timeout')

    def test_Ping_AgentZero_PassesTheFirstCheck_ThenNotRunningAtOnce(self):
        self.agent_vm(205, agent_option='0')
        self.ok('qm', 'start', 205)
        started = time.time()
        proc = self.ping(205)
        self.assertEqual(proc.stderr, 'QEMU guest agent is not running\n')
        self.assertLess(time.time() - started, 2, 'no QGA socket: nothing to wait for')

    def test_Ping_AgentEnabledAfterStart_NeedsARestart(self):
        self.create_vm(206, size='1M')
        self.guest(206, '--agent')
        self.ok('qm', 'set', 206, '--agent', '0')
        self.ok('qm', 'start', 206)
        self.ok('qm', 'set', 206, '--agent', '1')
        self.assertEqual(self.ping(206).stderr, 'QEMU guest agent is not running\n')
        self.ok('qm', 'stop', 206)
        self.ok('qm', 'start', 206)
        self.assertEqual(self.ping(206).returncode, 0)

    def test_Ping_DuringBoot_AnswersOnlyOnceBootSecondsPassed(self):
        self.agent_vm(207, boot=5)
        self.ok('qm', 'start', 207)
        early = self.ping(207)
        self.assertEqual(early.stderr, 'QEMU guest agent is not running\n')
        self.wait_for(lambda: self.ping(207).returncode == 0, timeout=10, what='the agent after boot')

    def test_Ping_AgentComingUpWithinThePingTimeout_Answers(self):
        self.agent_vm(208, boot=1)
        self.ok('qm', 'start', 208)
        proc = self.ping(208)
        self.assertEqual((proc.returncode, proc.stdout), (0, ''))

    def test_GuestCmd_UnknownCommand_ParameterError(self):
        self.agent_vm(209)
        proc = self.run_cmd('qm', 'guest', 'cmd', 209, 'reboot')
        self.assertNotEqual(proc.returncode, 0)
        self.assertTrue(proc.stderr.startswith("400 Parameter verification failed.\ncommand: value 'reboot' "
                                               "does not have a value in the enumeration 'fsfreeze-freeze, "),
                        proc.stderr)

    def test_GuestCmd_NetworkGetInterfaces_PrettyCanonicalJsonWithTheNicsMacs(self):
        self.agent_vm(210)
        self.ok('qm', 'set', 210, '--net0', 'virtio=BC:24:11:2A:3B:4C,bridge=vmbr0')
        self.ok('qm', 'start', 210)
        out = self.ok('qm', 'guest', 'cmd', 210, 'network-get-interfaces').stdout
        data = json.loads(out)
        self.assertEqual([(i['name'], i['hardware-address']) for i in data],
                         [('lo', '00:00:00:00:00:00'), ('eth0', 'bc:24:11:2a:3b:4c')])
        self.assertTrue(out.startswith('[\n   {\n      "hardware-address" : '), out)

    def test_GuestCmd_Shutdown_PrintsResultNull_AndStopsTheVm(self):
        self.agent_vm(211)
        self.ok('qm', 'start', 211)
        proc = self.ok('qm', 'guest', 'cmd', 211, 'shutdown')
        self.assertEqual(json.loads(proc.stdout), {'result': None})
        self.assertEqual(self.ok('qm', 'status', 211).stdout, 'status: stopped\n')

    # ---------------------------------------------------------------- halt-after

    def test_Start_HaltAfter_TheVmStopsByItselfAfterThatTime(self):
        self.create_vm(220, size='1M')
        self.guest(220, '--halt-after', 1)
        self.ok('qm', 'start', 220)
        self.assertEqual(self.ok('qm', 'status', 220).stdout, 'status: running\n')
        self.wait_for(lambda: self.ok('qm', 'status', 220).stdout == 'status: stopped\n', timeout=5,
                      what='the guest to halt')
        self.assertRegex(self.ok('qm', 'list').stdout, r'\n\s+220 VM 220\s+stopped ')

    def test_Start_NoMarker_RunsOnWithoutAgent(self):
        self.create_vm(221, size='1M')
        self.ok('qm', 'set', 221, '--agent', '1')
        self.ok('qm', 'start', 221)
        time.sleep(1.2)
        self.assertEqual(self.ok('qm', 'status', 221).stdout, 'status: running\n')

    # ---------------------------------------------------------------- shutdown

    def test_Shutdown_AgentGuest_Stops(self):
        self.agent_vm(230)
        self.guest(230, '--acpi', 0)      # only the agent's guest-shutdown can stop it
        self.ok('qm', 'start', 230)
        proc = self.ok('qm', 'shutdown', 230, '--timeout', 2)
        self.assertEqual(proc.stderr, '')
        self.assertEqual(self.ok('qm', 'status', 230).stdout, 'status: stopped\n')

    def test_Shutdown_NoAgentGuest_AcpiStopsIt(self):
        self.create_vm(231, size='1M')
        self.ok('qm', 'start', 231)
        self.ok('qm', 'shutdown', 231)
        self.assertEqual(self.ok('qm', 'status', 231).stdout, 'status: stopped\n')

    def test_Shutdown_AcpiIgnored_TimeoutErrorAfterTimeout_VmKeepsRunning(self):
        self.create_vm(232, size='1M')
        self.guest(232, '--acpi', 0)
        self.ok('qm', 'start', 232)
        started = time.time()
        proc = self.run_cmd('qm', 'shutdown', 232, '--timeout', 2)
        self.assertGreaterEqual(time.time() - started, 1.9)
        self.assertEqual((proc.returncode, proc.stderr), (255, 'VM quit/powerdown failed - got timeout\n'))
        self.assertEqual(self.ok('qm', 'status', 232).stdout, 'status: running\n')

    def test_Shutdown_AcpiIgnored_ForceStop_TerminatesWithSigterm(self):
        self.create_vm(233, size='1M')
        self.guest(233, '--acpi', 0)
        self.ok('qm', 'start', 233)
        proc = self.ok('qm', 'shutdown', 233, '--timeout', 1, '--forceStop', 1)
        self.assertIn('VM still running - terminating now with SIGTERM\n', proc.stdout)
        self.assertEqual(self.ok('qm', 'status', 233).stdout, 'status: stopped\n')

    def test_Shutdown_PausedVm_CannotShutdown(self):
        self.create_vm(234, size='1M')
        self.ok('qm', 'start', 234)
        self.ok('qm', 'suspend', 234)
        proc = self.run_cmd('qm', 'shutdown', 234)
        self.assertEqual((proc.returncode, proc.stderr), (255, 'VM is paused - cannot shutdown\n'))
        self.assertEqual(self.ok('qm', 'status', 234).stdout, 'status: paused\n')


class LabVmGuestMarkerTest(EmulatorTestCase):

    def disk(self, vmid):
        return os.path.join(self.root, 'var/lib/vz/images/%d/vm-%d-disk-0.raw' % (vmid, vmid))

    def head(self, vmid):
        with open(self.disk(vmid), 'rb') as f:
            return f.read(512)

    def test_Guest_WritesTheMarkerLineAtTheStartOfTheFirstDisk(self):
        self.create_vm(300, size='1M')
        out = self.labvm('guest', 300, '--agent', '--boot', 2)
        line = b'DRLAB-GUEST agent=1 boot=2 halt-after=0 acpi=1\n'
        self.assertEqual(out, line.decode())
        self.assertEqual(self.head(300), line + bytes(512 - len(line)))

    def test_Guest_UpdatesOnlyTheGivenSettings_AndClearRemovesTheMarker(self):
        self.create_vm(301, size='1M')
        self.labvm('guest', 301, '--agent', '--boot', 2)
        self.assertEqual(self.labvm('guest', 301, '--halt-after', 5),
                         'DRLAB-GUEST agent=1 boot=2 halt-after=5 acpi=1\n')
        self.labvm('guest', 301, '--clear')
        self.assertEqual(self.head(301), bytes(512))

    def test_Guest_ChangesTheChecksum_AndChangeKeepsTheMarker(self):
        self.create_vm(302, size='1M', fill=1)
        before = self.checksums(302)
        self.labvm('guest', 302, '--agent')
        marked = self.checksums(302)
        self.assertNotEqual(before, marked)
        self.labvm('change', 302, '--percent', 100)
        self.assertTrue(self.head(302).startswith(b'DRLAB-GUEST agent=1 '))
        self.assertNotEqual(self.checksums(302), marked)

    def test_Guest_RunningVm_Refused(self):
        self.create_vm(303, size='1M', running=True)
        proc = self.run_labvm('guest', 303, '--agent')
        self.assertEqual(proc.returncode, 1)
        self.assertIn('VM 303 is running', proc.stderr)

    def test_Marker_TravelsWithBackupAndRestore(self):
        self.create_vm(304, size='1M')
        self.labvm('guest', 304, '--agent', '--halt-after', 1)
        archive, _ = self.backup(304)
        self.ok('qmrestore', archive, 305)
        self.ok('qm', 'set', 305, '--agent', '1')
        self.ok('qm', 'start', 305)
        self.assertEqual(self.run_cmd('qm', 'guest', 'cmd', 305, 'ping').returncode, 0)
        self.wait_for(lambda: self.ok('qm', 'status', 305).stdout == 'status: stopped\n', timeout=5,
                      what='the restored guest to halt')

    def run_labvm(self, *args):
        import subprocess
        from emulator_support import LABVM, PYTHON
        return subprocess.run([PYTHON, LABVM] + [str(a) for a in args], env=self.env, capture_output=True,
                              text=True, timeout=60)


class VzdumpGuestTest(EmulatorTestCase):

    def test_StopModeBackupOfAHaltingGuest_TheGuestNeverBootsDuringTheBackup(self):
        self.create_vm(320, size='4M', fill=1)
        self.labvm('guest', 320, '--halt-after', 1)
        # About 2 s at 2 MiB/s: longer than the guest's halt-after, were it to boot.
        archive, proc = self.backup(320, '--mode', 'stop', '--bwlimit', 2048)
        self.assertIn('INFO: stopping kvm after backup task', proc.stdout)
        self.assertIn('INFO: Backup job finished successfully', proc.stdout)
        self.assertEqual(self.ok('qm', 'status', 320).stdout, 'status: stopped\n')
