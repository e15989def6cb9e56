"""The libvirt VM tool's pure parts: domain names, the domain XML, qemu-io and HMP lines (no libvirt needed)."""

import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'lib'))

import labkvm  # noqa: E402
from labkvm import LabError  # noqa: E402

HOSTILE_NAMES = ['', '.', '..', '.hidden', '-rf', 'a b', "a'b", 'a"b', 'a<b>', 'a&b', 'a;reboot', '$(id)', '`id`',
                 'a/b', '../etc', 'a\\b', 'a\nb', 'a\tb', 'a*', 'é', 'x' * 65, 'a|b', 'a,b', 'a=b', 'a:b', 'web01\n']


class DomainNameTest(unittest.TestCase):

    def test_ValidName_LibvirtNames_Accepted(self):
        for name in ('web01', 'a', 'DB_2', 'x.y', 'a+b', 'a-b', '_x', '+x', '9', 'x' * 64):
            with self.subTest(name=name):
                self.assertEqual(labkvm.valid_name(name), name)

    def test_ValidName_HostileNames_RefusedNamingTheRule(self):
        for name in HOSTILE_NAMES:
            with self.subTest(name=name):
                with self.assertRaises(LabError) as ctx:
                    labkvm.valid_name(name)
                self.assertIn('invalid domain name', str(ctx.exception))

    def test_DiskPath_HostileName_Refused(self):
        with self.assertRaises(LabError):
            labkvm.disk_path('../../etc/passwd', 'vda')
        self.assertEqual(labkvm.disk_path('web01', 'vdb'), '/var/lib/libvirt/images/web01-vdb.qcow2')

    def test_DiskDev_OneToEight_VdaToVdh(self):
        self.assertEqual([labkvm.disk_dev(i) for i in range(8)], ['vda', 'vdb', 'vdc', 'vdd', 'vde', 'vdf', 'vdg', 'vdh'])
        with self.assertRaises(LabError):
            labkvm.disk_dev(8)

    def test_Main_HostileName_Exit2AndNothingRun(self):
        for name in ("a'b", '-x', '.x'):
            with self.subTest(name=name):
                with self.assertRaises(SystemExit) as ctx, open(os.devnull, 'w') as devnull:
                    stderr, sys.stderr = sys.stderr, devnull
                    try:
                        labkvm.main(['create', name])
                    finally:
                        sys.stderr = stderr
                self.assertEqual(ctx.exception.code, 2)


class DomainXmlTest(unittest.TestCase):

    def build(self, **kw):
        args = dict(name='web01', memory_mib=32, disks=[('vda', '/var/lib/libvirt/images/web01-vda.qcow2')],
                    macs=['52:54:00:00:00:01'], domain_uuid='6f1c1f3e-0000-4000-8000-000000000001')
        args.update(kw)
        return ET.fromstring(labkvm.domain_xml(**args))

    def test_DomainXml_Minimal_WhatTheLabNeeds(self):
        dom = self.build()
        self.assertEqual(dom.get('type'), 'qemu')
        self.assertEqual(dom.findtext('name'), 'web01')
        self.assertEqual((dom.find('memory').get('unit'), dom.findtext('memory')), ('MiB', '32'))
        self.assertEqual(dom.findtext('vcpu'), '1')
        self.assertEqual(dom.find('os/type').get('machine'), 'pc')
        disk = dom.find('devices/disk')
        self.assertEqual(disk.find('driver').get('type'), 'qcow2')
        self.assertEqual(disk.find('target').attrib, {'dev': 'vda', 'bus': 'virtio'})
        nic = dom.find('devices/interface')
        self.assertEqual((nic.get('type'), nic.find('source').get('bridge'), nic.find('model').get('type')),
                         ('bridge', 'br0', 'virtio'))
        self.assertEqual(dom.find('devices/console').get('type'), 'pty')
        self.assertIsNone(dom.find('devices/graphics'))

    def test_DomainXml_Kvm_WhenAsked(self):
        self.assertEqual(self.build(virt_type='kvm').get('type'), 'kvm')
        with self.assertRaises(LabError):
            self.build(virt_type="qemu' onload='x")

    def test_DomainXml_HostileName_Refused(self):
        for name in HOSTILE_NAMES:
            with self.subTest(name=name):
                with self.assertRaises(LabError):
                    self.build(name=name)

    def test_DomainXml_MarkupInPath_EscapedAndReadBackVerbatim(self):
        path = "/tmp/a'b\"c<d>&e/disk.qcow2"
        text = labkvm.domain_xml('web01', 32, [('vda', path)], macs=['52:54:00:00:00:01'])
        self.assertNotIn('<d>', text)
        dom = ET.fromstring(text)
        self.assertEqual(dom.find('devices/disk/source').get('file'), path)
        self.assertEqual(len(dom.findall('devices/disk')), 1)

    def test_DomainXml_BadDiskOrMemory_Refused(self):
        for kw in ({'disks': []}, {'disks': [('sda', '/x')]}, {'disks': [('vda"', '/x')]}, {'memory_mib': 8},
                   {'memory_mib': '32'}):
            with self.subTest(kw=kw):
                with self.assertRaises(LabError):
                    self.build(**kw)

    def test_DomainXml_Boot_DirectKernelBootSerialLogAndNoPty(self):
        dom = self.build(boot=True, guest_dir='/usr/local/lib/drlab-guest')
        self.assertEqual(dom.findtext('os/kernel'), '/usr/local/lib/drlab-guest/vmlinuz')
        self.assertEqual(dom.findtext('os/initrd'), '/usr/local/lib/drlab-guest/initrd.img')
        self.assertIn('console=ttyS0', dom.findtext('os/cmdline'))
        self.assertIsNotNone(dom.find('features/acpi'))
        self.assertEqual(dom.findtext('on_reboot'), 'destroy')
        serial = dom.find('devices/serial')
        self.assertEqual((serial.get('type'), serial.find('source').get('path')),
                         ('file', '/var/log/libvirt/qemu/web01-serial.log'))
        self.assertIsNone(dom.find('devices/console'))
        self.assertIsNone(dom.find('devices/channel'))

    def test_DomainXml_BootAgent_GuestAgentChannel(self):
        channel = self.build(boot=True, agent=True).find('devices/channel')
        self.assertEqual(channel.get('type'), 'unix')
        self.assertEqual(channel.find('target').attrib, {'type': 'virtio', 'name': 'org.qemu.guest_agent.0'})
        self.assertIsNone(channel.find('source'))

    def test_DomainXml_NoBoot_NoKernelNoChannel(self):
        dom = self.build(agent=True)
        self.assertIsNone(dom.find('os/kernel'))
        self.assertIsNone(dom.find('devices/channel'))
        self.assertEqual(dom.findtext('on_reboot'), 'restart')

    def test_DomainXml_BootHostileGuestDir_Refused(self):
        with self.assertRaises(LabError):
            self.build(boot=True, guest_dir="/x'/<y>")

    def test_ParseLogs_OwnFileConsolesOnly(self):
        xml = ("<domain><devices>"
               "<serial type='file'><source path='/var/log/libvirt/qemu/web01-serial0.log'/><target port='0'/></serial>"
               "<console type='file'><source path='/var/log/libvirt/qemu/web01-serial0.log'/><target type='serial'/></console>"
               "<serial type='file'><source path='/var/log/libvirt/qemu/other-serial1.log'/></serial>"
               "<channel type='file'><source path='/etc/passwd'/></channel>"
               "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
               "</devices></domain>")
        self.assertEqual(labkvm.parse_logs(xml, 'web01'), ['/var/log/libvirt/qemu/web01-serial0.log'])

    def test_Marker_AgentAndHalt_OneLineTheGuestReads(self):
        self.assertEqual(labkvm.marker(), b'DRLAB-GUEST agent=0 halt-after=0\n')
        self.assertEqual(labkvm.marker(True, 3), b'DRLAB-GUEST agent=1 halt-after=3\n')
        for bad in (-1, 86401, '3', 1.5):
            with self.subTest(bad=bad):
                with self.assertRaises(LabError):
                    labkvm.marker(False, bad)

    def test_Main_AgentWithoutBoot_RefusedBeforeAnything(self):
        args = labkvm.main.__globals__['argparse'].Namespace(
            name='web01', agent=True, halt_after=0, boot=False)
        saved = labkvm.domains
        labkvm.domains = lambda: {}
        try:
            with self.assertRaises(LabError) as ctx:
                labkvm.cmd_create(args)
        finally:
            labkvm.domains = saved
        self.assertIn('need --boot', str(ctx.exception))

    def test_HaltArg_Range(self):
        self.assertEqual(labkvm.halt_arg('3'), 3)
        for bad in ('-1', 'x', '999999', '3;'):
            with self.subTest(bad=bad):
                with self.assertRaises(Exception):
                    labkvm.halt_arg(bad)

    def test_ParseDisks_LiveXml_DevPathFormatAlias(self):
        xml = ("<domain><devices>"
               "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
               "<source file='/var/lib/libvirt/images/w-vda.qcow2' index='1'/><target dev='vda' bus='virtio'/>"
               "<alias name='virtio-disk0'/></disk>"
               "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='hdc'/></disk>"
               "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
               "<source file='/var/lib/libvirt/images/w-vdb.raw'/><target dev='vdb' bus='virtio'/></disk>"
               "</devices></domain>")
        self.assertEqual(labkvm.parse_disks(xml), [
            ('vda', '/var/lib/libvirt/images/w-vda.qcow2', 'qcow2', 'virtio-disk0'),
            ('vdb', '/var/lib/libvirt/images/w-vdb.raw', 'raw', None)])


class QemuIoLinesTest(unittest.TestCase):

    def test_BlockRuns_NeighboursMerged_CappedAt4MiB(self):
        self.assertEqual(labkvm.block_runs([5, 1, 2, 3, 9]), [(1, 3), (5, 1), (9, 1)])
        self.assertEqual(labkvm.block_runs(range(130)), [(0, 64), (64, 64), (128, 2)])
        self.assertEqual(labkvm.block_runs([]), [])

    def test_QemuIoWrite_Line(self):
        self.assertEqual(labkvm.qemu_io_write('/tmp/labkvm-x1/vda-0', 65536, 131072),
                         'write -q -s /tmp/labkvm-x1/vda-0 65536 131072')
        for bad in (('/tmp/a b', 0, 1), ('/tmp/a"b', 0, 1), ('rel/path', 0, 1), ('/tmp/x', -1, 1), ('/tmp/x', 0, 0),
                    ('/tmp/x\n', 0, 1)):
            with self.subTest(bad=bad):
                with self.assertRaises(LabError):
                    labkvm.qemu_io_write(*bad)

    def test_HmpQemuIo_Line_OnTheVirtioBackend(self):
        self.assertEqual(
            labkvm.hmp_qemu_io('web01', 'virtio-disk0', 'write -q -s /tmp/f 0 65536'),
            "qemu-monitor-command web01 --hmp 'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "
            "\"write -q -s /tmp/f 0 65536\"'")

    def test_HmpQemuIo_HostileParts_Refused(self):
        for args in (("a'b", 'virtio-disk0', 'flush'), ('web01', "x' ; quit '", 'flush'), ('web01', None, 'flush'),
                     ('web01', 'virtio-disk0', "flush' ; quit '"), ('web01', 'virtio-disk0', 'a"b'),
                     ('web01', 'virtio-disk0', 'flush\nquit')):
            with self.subTest(args=args):
                with self.assertRaises(LabError):
                    labkvm.hmp_qemu_io(*args)


if __name__ == '__main__':
    unittest.main()
