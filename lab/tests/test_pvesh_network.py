"""pvesh get /nodes/{node}/network against the addendum, and the lab hosts' own interfaces file."""

import json
import os
import re

from emulator_support import EmulatorTestCase, NODE

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INTERFACES = """auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
\taddress 192.168.1.10/24
\tgateway 192.168.1.1
\tbridge-ports eno1
\tbridge-stp off
\tbridge-fd 0

auto vmbr9
iface vmbr9 inet manual
#drill
\tbridge-ports none
\tbridge-stp off

iface vmbr2 inet manual
\tbridge-ports eno2 eno1
\tbridge-vlan-aware yes
\tmtu 9000

auto bond0
iface bond0 inet manual
\tbond-slaves eno1 eno2
\tbond-mode 802.3ad

auto vmbr0.20
iface vmbr0.20 inet manual
"""


def lab_interfaces(name, addr):
    """The file lab.sh writes for a Proxmox host, read out of lab.sh itself."""
    with open(os.path.join(LAB, 'lab.sh')) as f:
        script = f.read()
    match = re.search(r"ensure_pve_network\(\) \{.*?<<EOF\n(.*?)\nEOF\n", script, re.S)
    if match is None:
        raise AssertionError('lab.sh no longer writes the interfaces file the way this test reads it')
    return match.group(1).replace('$name', name).replace('$ADDR', addr) + '\n'


class PveshNetworkTest(EmulatorTestCase):

    def write_interfaces(self, text):
        os.makedirs(os.path.join(self.root, 'etc/network'), exist_ok=True)
        with open(os.path.join(self.root, 'etc/network/interfaces'), 'w') as f:
            f.write(text)

    def networks(self, *args, node='localhost'):
        out = self.ok('pvesh', 'get', '/nodes/%s/network' % node, *args, '--output-format', 'json').stdout
        self.assertEqual(out.count('\n'), 1, 'one JSON line')
        return {item['iface']: item for item in json.loads(out)}

    def test_Network_ReferenceExampleElement_SortedKeysStringsFromTheFile(self):
        self.write_interfaces(INTERFACES)
        out = self.ok('pvesh', 'get', '/nodes/%s/network' % NODE, '--output-format', 'json').stdout
        element = re.search(r'\{[^{}]*"iface":"vmbr0"[^{}]*\}', out).group(0)
        self.assertEqual(element, '{"active":1,"address":"192.168.1.10","autostart":1,"bridge_fd":"0",'
                                  '"bridge_ports":"eno1","bridge_stp":"off","cidr":"192.168.1.10/24",'
                                  '"families":["inet"],"gateway":"192.168.1.1","iface":"vmbr0","method":"static",'
                                  '"method6":"manual","netmask":"24","priority":4,"type":"bridge"}')

    def test_Network_LoRemoved_TypesOfEveryStanza(self):
        self.write_interfaces(INTERFACES)
        items = self.networks()
        self.assertEqual({k: v['type'] for k, v in items.items()},
                         {'eno1': 'eth', 'vmbr0': 'bridge', 'vmbr9': 'bridge', 'vmbr2': 'bridge', 'bond0': 'bond',
                          'vmbr0.20': 'vlan'})

    def test_Network_IsolatedBridge_EmptyPortsDefaultedNumericFdAndComments(self):
        self.write_interfaces(INTERFACES)
        vmbr9 = self.networks()['vmbr9']
        self.assertEqual(vmbr9['bridge_ports'], '')
        self.assertEqual(vmbr9['bridge_fd'], 0)
        self.assertEqual(vmbr9['comments'], 'drill\n')
        vmbr2 = self.networks()['vmbr2']
        self.assertEqual((vmbr2['bridge_ports'], vmbr2['bridge_vlan_aware'], vmbr2['mtu']), ('eno1 eno2', 1, '9000'))
        self.assertNotIn('autostart', vmbr2)

    def test_Network_TypeFilters(self):
        self.write_interfaces(INTERFACES)
        self.assertEqual(set(self.networks('--type', 'bridge')), {'vmbr0', 'vmbr9', 'vmbr2'})
        self.assertEqual(set(self.networks('--type', 'any_bridge')), {'vmbr0', 'vmbr9', 'vmbr2'})
        self.assertEqual(set(self.networks('--type', 'eth')), {'eno1'})
        self.assertEqual(len(self.networks('--type', 'include_sdn')), 6)

    def test_Network_RefusedFilters_ParameterError(self):
        for value in ('vxlan', 'dummy', 'unknown'):
            with self.subTest(value=value):
                proc = self.run_cmd('pvesh', 'get', '/nodes/localhost/network', '--type', value)
                self.assertNotEqual(proc.returncode, 0)
                self.assertTrue(proc.stderr.startswith("400 Parameter verification failed.\ntype: value '%s' does "
                                                       "not have a value in the enumeration 'bridge, " % value),
                                proc.stderr)

    def test_Network_OtherNode_HostnameLookupFails(self):
        proc = self.run_cmd('pvesh', 'get', '/nodes/pve-elsewhere/network')
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("hostname lookup 'pve-elsewhere' failed", proc.stderr)

    def test_Network_NoFile_TheDefaultVmbr0WithAnUplink(self):
        items = self.networks()
        self.assertEqual(items['vmbr0']['bridge_ports'], 'eno1')
        self.assertEqual({k for k, v in items.items() if v['type'] == 'bridge'}, {'vmbr0'})

    def test_LabHostsFile_Vmbr0WithUplink_Vmbr9IsolatedDrill(self):
        self.write_interfaces(lab_interfaces('pve-dr1', '10.250.0.21'))
        items = self.networks()
        bridges = {k: v for k, v in items.items() if v['type'] == 'bridge'}
        self.assertEqual(set(bridges), {'vmbr0', 'vmbr9'})
        self.assertEqual(bridges['vmbr0']['bridge_ports'], 'eno1')
        self.assertEqual(bridges['vmbr0']['cidr'], '10.250.0.21/24')
        self.assertEqual(bridges['vmbr9']['bridge_ports'], '')
        self.assertEqual(bridges['vmbr9']['comments'], 'drill\n')

    def test_LabHostsFile_QmStartChecksBridgesAgainstIt(self):
        self.write_interfaces(lab_interfaces('pve-dr1', '10.250.0.21'))
        self.create_vm(400, size='1M')
        self.ok('qm', 'set', 400, '--net0', 'virtio=BC:24:11:00:00:09,bridge=vmbr9,tag=20,link_down=1')
        self.ok('qm', 'start', 400)
        self.ok('qm', 'stop', 400)
        self.ok('qm', 'set', 400, '--net0', 'virtio=BC:24:11:00:00:09,bridge=vmbr7')
        proc = self.run_cmd('qm', 'start', 400)
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stdout.splitlines()[0], "bridge 'vmbr7' does not exist")
