"""The demo seed's pure parts, and its request bodies against the C# records the API binds them to (no lab, no portal)."""

import os
import re
import sys
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(LAB)
sys.path.insert(0, LAB)
import demo_seed  # noqa: E402


def camel(name):
    return name[0].lower() + name[1:]


def record_parameters(path, record):
    """The camelCase JSON names of a positional record's parameters."""
    with open(os.path.join(ROOT, path)) as f:
        text = f.read()
    params = re.search(r'record %s\(([^)]*)\)' % record, text).group(1)
    return {camel(p.split('=')[0].split()[-1]) for p in params.split(',')}


def class_properties(path):
    """The camelCase JSON names of the { get; set; } properties of an input record."""
    with open(os.path.join(ROOT, path)) as f:
        return {camel(m) for m in re.findall(r'public [\w<>?, ]+ (\w+) \{ get; set; \}', f.read())}


class DemoSeedTest(unittest.TestCase):

    def test_listed_vms_proxmox_and_libvirt_lines_first_column(self):
        # Arrange
        proxmox = '100 web01 running scsi0:256M\n101 db01 stopped scsi0:256M\n'
        libvirt = 'web11 running vda:64M\n\n'

        # Act / Assert
        self.assertEqual({'100', '101'}, demo_seed.listed_vms(proxmox))
        self.assertEqual({'web11'}, demo_seed.listed_vms(libvirt))
        self.assertEqual(set(), demo_seed.listed_vms(''))

    def test_agent_enabled_both_spellings_and_off(self):
        # Arrange
        on = 'agent: 1\nboot: order=scsi0\n'
        on_long = 'agent: enabled=1,fstrim_cloned_disks=1\nname: db01\n'
        off = 'agent: 0\nname: db01\n'
        missing = 'boot: order=scsi0\nname: agent01\n'

        # Act / Assert
        self.assertTrue(demo_seed.agent_enabled(on))
        self.assertTrue(demo_seed.agent_enabled(on_long))
        self.assertFalse(demo_seed.agent_enabled(off))
        self.assertFalse(demo_seed.agent_enabled(missing))

    def test_recovery_input_fields_bind_to_pair_recovery_input_and_boot_check(self):
        # Arrange
        body = demo_seed.recovery_input()

        # Act
        top = class_properties('DrPortal.Core/Pairs/PairRecoveryInput.cs')
        check = record_parameters('DrPortal.Core/Pairs/BootCheck.cs', 'BootCheck')

        # Assert
        self.assertEqual(top, set(body))
        self.assertEqual(check, set(body['bootCheck']))
        self.assertEqual((5, True), (body['bootCheck']['stableSeconds'], body['bootCheck']['agent']))
        self.assertEqual([], body['drillNetwork'])  # the drill default: every NIC isolated

    def test_recovery_is_default_default_view_true_seeded_false(self):
        # Arrange
        default = {'failoverNetwork': [], 'drillNetwork': [],
                   'bootCheck': {'stableSeconds': 10, 'agent': True, 'timeoutSeconds': 300, 'tcpAddress': None, 'tcpPort': None, 'command': None}}
        seeded = demo_seed.recovery_input()
        mapped = dict(default, drillNetwork=[{'nic': 'net0', 'network': 'vmbr9', 'vlanTag': None, 'mac': 'New', 'linkUp': True}])

        # Act / Assert
        self.assertTrue(demo_seed.recovery_is_default(default))
        self.assertFalse(demo_seed.recovery_is_default(seeded))
        self.assertFalse(demo_seed.recovery_is_default(mapped))

    def test_recovery_is_default_matches_boot_check_defaults_in_core(self):
        # Arrange
        with open(os.path.join(ROOT, 'DrPortal.Core/Pairs/BootCheck.cs')) as f:
            text = f.read()
        defaults = dict(re.findall(r'(?:int|bool) (StableSeconds|Agent|TimeoutSeconds) = (\w+)', text))

        # Act
        view = {'failoverNetwork': [], 'drillNetwork': [],
                'bootCheck': {'stableSeconds': int(defaults['StableSeconds']), 'agent': defaults['Agent'] == 'true',
                              'timeoutSeconds': int(defaults['TimeoutSeconds'])}}

        # Assert
        self.assertTrue(demo_seed.recovery_is_default(view))

    def test_plan_input_groups_in_order_bind_to_recovery_plan_input(self):
        # Arrange
        groups = [('Database', [7]), ('Web', [5, 9])]

        # Act
        body = demo_seed.plan_input('Web shop', 'demo', groups)

        # Assert
        self.assertTrue({'name', 'description', 'groups'} <= class_properties('DrPortal.Core/Recovery/RecoveryPlanInput.cs'))
        self.assertTrue(set(body['groups'][0]) <= class_properties('DrPortal.Core/Recovery/RecoveryPlanGroupInput.cs'))
        self.assertEqual(class_properties('DrPortal.Core/Recovery/RecoveryPlanMemberInput.cs'), set(body['groups'][1]['members'][0]))
        self.assertEqual(['Database', 'Web'], [g['name'] for g in body['groups']])
        self.assertEqual([[7], [5, 9]], [[m['vmPairId'] for m in g['members']] for g in body['groups']])

    def test_demo_plan_database_first_and_every_member_a_demo_pair(self):
        # Arrange
        _, _, groups = demo_seed.DEMO_PLAN
        pairs = {(source, vm) for source, vm, _, _ in demo_seed.DEMO_PAIRS}

        # Act
        members = [key for _, keys in groups for key in keys]

        # Assert
        self.assertEqual([('pve-dc1', '101')], groups[0][1])  # db01
        self.assertEqual(2, len(groups))
        self.assertTrue(set(members) <= pairs)
        self.assertEqual(len(members), len(set(members)))

    def test_find_pair_by_source_host_and_vm(self):
        # Arrange
        pairs = [{'id': 1, 'sourceHypervisorId': 3, 'sourceVm': '100'}, {'id': 2, 'sourceHypervisorId': 4, 'sourceVm': '100'}]

        # Act / Assert
        self.assertEqual(2, demo_seed.find_pair(pairs, 4, 100)['id'])
        self.assertIsNone(demo_seed.find_pair(pairs, 5, '100'))


if __name__ == '__main__':
    unittest.main()
