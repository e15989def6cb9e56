"""The lab guest's build (lab/guest/build.py): its pure parts, on real apt and ldd output (no download)."""

import gzip
import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'guest'))

import build  # noqa: E402
from build import BuildError  # noqa: E402

POLICY = """linux-image-6.1.0-57-amd64:
  Installed: (none)
  Candidate: 6.1.192-3
  Version table:
     6.1.192-3 500
        500 http://deb.example/debian-security bookworm-security/main amd64 Packages
"""

DEPENDS = """linux-image-amd64
  Depends: linux-image-6.1.0-57-amd64
"""

LDD = """\tlinux-vdso.so.1 (0x00007ff89a9f3000)
\tlibudev.so.1 => /lib/x86_64-linux-gnu/libudev.so.1 (0x00007ff89a8bb000)
\tlibglib-2.0.so.0 => /lib/x86_64-linux-gnu/libglib-2.0.so.0 (0x00007ff89a76f000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007ff89a4a5000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007ff89a9f5000)
"""


def read_newc(data):
    """[(name, mode, body, rdevmajor, rdevminor)] of a newc archive, for the tests."""
    entries, pos = [], 0
    while True:
        header = data[pos:pos + 110]
        assert header[:6] == b'070701', header[:6]
        fields = [int(header[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, size, rmaj, rmin, namesize = fields[1], fields[6], fields[9], fields[10], fields[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += -pos % 4
        body = data[pos:pos + size]
        pos += size
        pos += -pos % 4
        if name == 'TRAILER!!!':
            return entries
        entries.append((name, mode, body, rmaj, rmin))


class AptOutputTest(unittest.TestCase):

    def test_ParseCandidate_Policy_Version(self):
        self.assertEqual(build.parse_candidate(POLICY), '6.1.192-3')

    def test_ParseCandidate_None_NoVersion(self):
        self.assertIsNone(build.parse_candidate('x:\n  Installed: (none)\n  Candidate: (none)\n'))
        self.assertIsNone(build.parse_candidate(''))

    def test_ParseKernelPackage_Depends_VersionedPackage(self):
        self.assertEqual(build.parse_kernel_package(DEPENDS), 'linux-image-6.1.0-57-amd64')
        self.assertIsNone(build.parse_kernel_package('linux-image-amd64\n  Depends: firmware-x\n'))

    def test_BuildKey_VersionOrScriptChanges_KeyChanges(self):
        key = build.build_key({'a': '1', 'b': '2'}, 'script')
        self.assertEqual(key, build.build_key({'b': '2', 'a': '1'}, 'script'))
        self.assertNotEqual(key, build.build_key({'a': '1', 'b': '3'}, 'script'))
        self.assertNotEqual(key, build.build_key({'a': '1', 'b': '2'}, 'script2'))


class ModulesTest(unittest.TestCase):

    def test_ModinfoDepends_ModinfoSection_Names(self):
        ko = b'\x7fELF...\x00license=GPL\x00depends=virtio,virtio_ring\x00intree=Y\x00'
        self.assertEqual(build.modinfo_depends(ko), ['virtio', 'virtio_ring'])
        self.assertEqual(build.modinfo_depends(b'\x00depends=\x00'), [])
        self.assertEqual(build.modinfo_depends(b'no modinfo'), [])

    def test_ModuleLoadOrder_Dependencies_BeforeTheirUsersOnce(self):
        deps = {'virtio_pci': ['virtio', 'virtio_ring'], 'virtio_blk': ['virtio', 'virtio_ring'],
                'virtio_ring': ['virtio'], 'virtio': []}
        order = build.module_load_order(['virtio_pci', 'virtio_blk'], deps.__getitem__)
        self.assertEqual(order, ['virtio', 'virtio_ring', 'virtio_pci', 'virtio_blk'])

    def test_ModuleLoadOrder_Loop_Refused(self):
        with self.assertRaises(BuildError):
            build.module_load_order(['a'], {'a': ['b'], 'b': ['a']}.__getitem__)


class LddTest(unittest.TestCase):

    def test_ParseLdd_RealOutput_PathsIncludingTheLoader(self):
        self.assertEqual(build.parse_ldd(LDD), [
            '/lib/x86_64-linux-gnu/libudev.so.1', '/lib/x86_64-linux-gnu/libglib-2.0.so.0',
            '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'])

    def test_ParseLdd_NotFound_FailsNamingIt(self):
        with self.assertRaises(BuildError) as ctx:
            build.parse_ldd(LDD + '\tliburing.so.2 => not found\n')
        self.assertIn('liburing.so.2', str(ctx.exception))


class CpioTest(unittest.TestCase):

    def test_Cpio_Entries_ReadBackAsWritten(self):
        cpio = build.Cpio()
        cpio.directory('bin')
        cpio.file('bin/busybox', b'\x7fELF' * 3, executable=True)
        cpio.symlink('bin/sh', 'busybox')
        cpio.chardev('dev/console', 5, 1)
        cpio.file('init', b'#!/bin/sh\n', executable=True)
        entries = read_newc(cpio.finish())
        self.assertEqual([e[0] for e in entries], ['bin', 'bin/busybox', 'bin/sh', 'dev/console', 'init'])
        by_name = {e[0]: e for e in entries}
        self.assertTrue(stat.S_ISDIR(by_name['bin'][1]))
        self.assertEqual((stat.S_IMODE(by_name['bin/busybox'][1]), by_name['bin/busybox'][2]), (0o755, b'\x7fELF' * 3))
        self.assertTrue(stat.S_ISLNK(by_name['bin/sh'][1]))
        self.assertEqual(by_name['bin/sh'][2], b'busybox')
        self.assertTrue(stat.S_ISCHR(by_name['dev/console'][1]))
        self.assertEqual(by_name['dev/console'][3:], (5, 1))

    def test_Cpio_SameNameTwice_Refused(self):
        cpio = build.Cpio()
        cpio.file('init', b'x')
        with self.assertRaises(BuildError):
            cpio.file('/init', b'y')

    def test_Parents_Path_EveryDirectory(self):
        self.assertEqual(build.parents('lib/x86_64-linux-gnu/libc.so.6'), ['lib', 'lib/x86_64-linux-gnu'])
        self.assertEqual(build.parents('init'), [])


class ScriptsTest(unittest.TestCase):

    def test_Init_SaysBootedReadsMarkerStartsAgentOnItsPort(self):
        self.assertIn('say DRLAB-BOOTED', build.INIT)
        self.assertIn('"DRLAB-GUEST "*', build.INIT)
        self.assertIn('"org.qemu.guest_agent.0"', build.INIT)
        self.assertIn('poweroff -f', build.INIT)
        self.assertNotIn('@MARKER@', build.INIT)
        self.assertNotIn('@PORT@', build.INIT)

    def test_Shutdown_AnswersZeroBeforePoweringOff(self):
        lines = build.SHUTDOWN.strip().splitlines()
        self.assertEqual(lines[-1], 'exit 0')
        self.assertIn('&', lines[-2])


class BuiltGuestTest(unittest.TestCase):
    """The image ./dr test builds before the lab starts (lab/guest/build.py): what the guest needs is in it."""

    def test_Initrd_HoldsInitAgentShutdownAndModules(self):
        self.assertTrue(os.path.exists(os.path.join(build.OUT, 'initrd.img')),
                        'no lab guest in %s: run lab/guest/build.py (./dr test does)' % build.OUT)
        with open(os.path.join(build.OUT, 'initrd.img'), 'rb') as f:
            names = {e[0] for e in read_newc(gzip.decompress(f.read()))}
        for needed in ('init', 'bin/busybox', 'bin/sh', 'sbin/shutdown', 'usr/sbin/qemu-ga', 'dev/console',
                       'lib64/ld-linux-x86-64.so.2', 'lib/modules/virtio_console.ko', 'lib/modules/virtio_blk.ko'):
            with self.subTest(needed=needed):
                self.assertIn(needed, names)


if __name__ == '__main__':
    unittest.main()
