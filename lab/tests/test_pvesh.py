"""pvesh and pveversion: the JSON DrPortal may read, and the version line."""

import json
import re

from emulator_support import EmulatorTestCase, NODE

REQUIRED = ['id', 'vmid', 'node', 'type', 'status', 'name', 'uptime', 'template', 'maxcpu', 'cpu', 'maxmem',
            'mem', 'maxdisk', 'disk', 'netin', 'netout', 'diskread', 'diskwrite']


class PveshTest(EmulatorTestCase):

    def test_ClusterResourcesVm_OneJsonLineWithReferenceFields(self):
        self.create_vm(100, size='2M', name='web01', running=True)
        self.create_vm(101, size='1M')
        self.ok('qm', 'set', 101, '--lock', 'backup', '--tags', 'dr;prod')
        out = self.ok('pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json').stdout
        self.assertTrue(out.endswith('\n'))
        self.assertEqual(out.count('\n'), 1, 'one JSON line')
        data = json.loads(out)
        self.assertEqual([d['vmid'] for d in data], [100, 101])
        for item in data:
            for key in REQUIRED:
                self.assertIn(key, item)
        web = data[0]
        self.assertEqual((web['id'], web['node'], web['type'], web['status'], web['name']),
                         ('qemu/100', NODE, 'qemu', 'running', 'web01'))
        self.assertEqual(web['maxdisk'], 2 * 1024 * 1024)
        self.assertEqual(web['maxmem'], 512 * 1024 * 1024)
        self.assertNotIn('lock', web)
        other = data[1]
        self.assertEqual((other['status'], other['name'], other['lock'], other['tags']),
                         ('stopped', 'VM 101', 'backup', 'dr;prod'))
        self.assertEqual(other['uptime'], 0)

    def test_ClusterResources_NoTypeFilter_IncludesNodeAndStorage(self):
        data = json.loads(self.ok('pvesh', 'get', '/cluster/resources', '--output-format', 'json').stdout)
        self.assertEqual(sorted(d['type'] for d in data), ['node', 'storage'])

    def test_UnknownPath_NoHandler(self):
        proc = self.run_cmd('pvesh', 'get', '/nope')
        self.assertEqual(proc.returncode, 255)
        self.assertEqual(proc.stderr, "No 'get' handler defined for '/nope'\n")

    def test_StorageContent_ListsBackupsAsVolumeIds(self):
        self.create_vm(102, size='1M')
        archive, _ = self.backup(102, '--compress', 'zstd')
        out = self.ok('pvesh', 'get', '/nodes/%s/storage/local/content' % NODE, '--content', 'backup',
                      '--output-format', 'json').stdout
        data = json.loads(out)
        self.assertEqual(len(data), 1)
        self.assertEqual(data[0]['volid'], 'local:backup/' + archive.rsplit('/', 1)[1])
        self.assertEqual((data[0]['vmid'], data[0]['format'], data[0]['subtype']), (102, 'vma.zst', 'qemu'))

    def test_Pveversion_PrintsManagerVersionLine(self):
        out = self.ok('pveversion').stdout
        self.assertRegex(out, r'^pve-manager/\d+\.\d+\.\d+/[0-9a-f]{16} \(running kernel: [\w.-]+\)\n$')
        verbose = self.ok('pveversion', '-v').stdout
        self.assertTrue(re.match(r'^proxmox-ve: ', verbose))
        self.assertIn('\nqemu-server: ', verbose)
