"""qm set --netN and qm start against the addendum: the property string, the update line, bridges."""

import os
import re

from emulator_support import EmulatorTestCase

MAC = r'BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}'


class QmNetTest(EmulatorTestCase):

    def net(self, vmid, key='net0'):
        for line in self.ok('qm', 'config', vmid).stdout.splitlines():
            if line.startswith(key + ': '):
                return line[len(key) + 2:]
        return None

    def test_Set_ModelWithMac_IsStoredModelMacFirstThenSortedKeys(self):
        self.create_vm(200, size='1M')
        proc = self.ok('qm', 'set', 200, '--net1',
                       'e1000=BC:24:11:0A:1B:2C,trunks=10;20-30,tag=20,rate=12.5,queues=4,mtu=1500,link_down=1,'
                       'firewall=0,bridge=vmbr1')
        self.assertEqual(self.net(200, 'net1'),
                         'e1000=BC:24:11:0A:1B:2C,bridge=vmbr1,firewall=0,link_down=1,mtu=1500,queues=4,rate=12.5,'
                         'tag=20,trunks=10;20-30')
        self.assertEqual(proc.stdout, 'update VM 200: -net1 e1000=BC:24:11:0A:1B:2C,trunks=10;20-30,tag=20,rate=12.5,'
                                      'queues=4,mtu=1500,link_down=1,firewall=0,bridge=vmbr1\n')

    def test_Set_AllInputForms_AreRewrittenToModelEqualsMac(self):
        self.create_vm(201, size='1M')
        self.ok('qm', 'set', 201, '--net0', 'model=virtio,macaddr=BC:24:11:AA:BB:CC,firewall=1,bridge=vmbr0')
        self.assertEqual(self.net(201), 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1')
        proc = self.ok('qm', 'set', 201, '--net0', 'virtio,bridge=vmbr0,firewall=1')
        self.assertEqual(proc.stdout, 'update VM 201: -net0 virtio,bridge=vmbr0,firewall=1\n')
        self.assertRegex(self.net(201), '^virtio=%s,bridge=vmbr0,firewall=1$' % MAC)

    def test_Set_WithoutMac_MakesANewMacEveryTime(self):
        self.create_vm(202, size='1M')
        self.ok('qm', 'set', 202, '--net0', 'virtio,bridge=vmbr0')
        first = self.net(202)
        self.ok('qm', 'set', 202, '--net0', 'virtio,bridge=vmbr0')
        second = self.net(202)
        self.assertRegex(first, '^virtio=%s,bridge=vmbr0$' % MAC)
        self.assertRegex(second, '^virtio=%s,bridge=vmbr0$' % MAC)
        self.assertNotEqual(first, second)

    def test_Set_UpdateLine_ListsParametersSortedByKeyWithDelete(self):
        self.create_vm(203, size='1M')
        self.ok('qm', 'set', 203, '--net1', 'virtio,bridge=vmbr0')
        proc = self.ok('qm', 'set', 203, '--name', 'web', '--delete', 'net1', '--cores', '2')
        self.assertEqual(proc.stdout, 'update VM 203: -cores 2 -delete net1 -name web\n')
        self.assertIsNone(self.net(203, 'net1'))

    def test_Set_DeleteKeyNotSet_WarnsAndExitsZero(self):
        self.create_vm(204, size='1M')
        proc = self.ok('qm', 'set', 204, '--delete', 'net7')
        self.assertEqual(proc.stdout, 'update VM 204: -delete net7\n')
        self.assertEqual(proc.stderr, "cannot delete 'net7' - not set in current configuration!\n")

    def test_Set_SameKeySetAndDeleted_IsRefused(self):
        self.create_vm(205, size='1M')
        proc = self.run_cmd('qm', 'set', 205, '--net0', 'virtio,bridge=vmbr0', '--delete', 'net0')
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, "you can't use '-net0' and -delete net0' at the same time\n")

    def test_Set_NothingToDo_NoOptionsSpecified(self):
        self.create_vm(206, size='1M')
        proc = self.run_cmd('qm', 'set', 206)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stderr, 'no options specified\n')

    def test_Set_BadNetValues_AreParameterErrorsAndChangeNothing(self):
        self.create_vm(207, size='1M')
        before = self.config(207)
        for value in ('bridge=vmbr0', 'virtio,tag=0', 'virtio,tag=4095', 'virtio,queues=65', 'virtio,mtu=0',
                      'virtio,rate=-1', 'virtio,trunks=a;b', 'virtio,firewall=maybe', 'rtl9999', 'virtio,speed=10',
                      'virtio=01:00:00:00:00:00'):
            with self.subTest(value=value):
                proc = self.run_cmd('qm', 'set', 207, '--net0', value)
                self.assertNotEqual(proc.returncode, 0)
                self.assertTrue(proc.stderr.startswith('400 Parameter verification failed.\nnet0: invalid format - '),
                                proc.stderr)
        self.assertEqual(self.config(207), before)

    def test_Set_MissingBridge_IsAcceptedAtSetTime_AndStartFailsAsDocumented(self):
        self.create_vm(208, size='1M')
        self.ok('qm', 'set', 208, '--net0', 'virtio=BC:24:11:00:00:01,bridge=vmbr9')
        proc = self.run_cmd('qm', 'start', 208)
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stdout.splitlines(), [
            "bridge 'vmbr9' does not exist",
            'kvm: -netdev type=tap,id=net0,ifname=tap208i0,script=/usr/libexec/qemu-server/pve-bridge,'
            'downscript=/usr/libexec/qemu-server/pve-bridgedown,vhost=on: network script '
            '/usr/libexec/qemu-server/pve-bridge failed with status 512',
        ])
        self.assertEqual(proc.stderr, 'start failed: QEMU exited with code 1\n')
        self.assertEqual(self.ok('qm', 'status', 208).stdout, 'status: stopped\n')

    def test_Start_BridgesFromTheNodesInterfaces_NonVirtioHasNoVhost(self):
        os.makedirs(os.path.join(self.root, 'etc/network'))
        with open(os.path.join(self.root, 'etc/network/interfaces'), 'w') as f:
            f.write('auto lo\niface lo inet loopback\n\nauto vmbr1\niface vmbr1 inet manual\n\tbridge-ports none\n')
        self.create_vm(209, size='1M')
        self.ok('qm', 'set', 209, '--net0', 'e1000=BC:24:11:00:00:02,bridge=vmbr1')
        self.ok('qm', 'start', 209)
        self.ok('qm', 'stop', 209)
        self.ok('qm', 'set', 209, '--net0', 'e1000=BC:24:11:00:00:02,bridge=vmbr0,link_down=1')
        proc = self.run_cmd('qm', 'start', 209)
        self.assertEqual(proc.returncode, 255)
        self.assertIn('pve-bridgedown: network script', proc.stdout)
        self.assertNotIn('vhost=on', proc.stdout)

    def test_Config_LinesSorted(self):
        self.create_vm(210, size='1M', name='web')
        self.ok('qm', 'set', 210, '--net1', 'virtio,bridge=vmbr0', '--agent', '1', '--cores', '2')
        keys = [l.split(':', 1)[0] for l in self.ok('qm', 'config', 210).stdout.splitlines()]
        self.assertEqual(keys, sorted(keys))
        self.assertTrue(re.match(r'^[a-z]', keys[0]))
