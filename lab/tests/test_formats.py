"""The emulator's formatters against the Proxmox functions they copy."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator'))

from pveemu import common  # noqa: E402


class FormatTest(unittest.TestCase):

    def test_RenderBytes_PveFormat(self):
        self.assertEqual(common.render_bytes(0, 1), '0.0 B')
        self.assertEqual(common.render_bytes(1023, 1), '1023.0 B')
        self.assertEqual(common.render_bytes(3435973837, 1), '3.2 GiB')
        self.assertEqual(common.render_bytes(32 * 1024 ** 3, 1), '32.0 GiB')
        self.assertEqual(common.render_bytes(33045339095), '30.78 GiB')
        self.assertEqual(common.render_bytes(1181116006, 1), '1.1 GiB')

    def test_RenderDuration_PveFormat(self):
        self.assertEqual(common.render_duration(0), '0s')
        self.assertEqual(common.render_duration(3), '3s')
        self.assertEqual(common.render_duration(65), '1m 5s')
        self.assertEqual(common.render_duration(3600), '1h')
        self.assertEqual(common.render_duration(7201), '2h 1s')

    def test_FormatSizeVzdump_KbMbGbTb(self):
        self.assertEqual(common.format_size_vzdump(1000), '0KB')
        self.assertEqual(common.format_size_vzdump(532 * 1024 * 1024 + 5), '532MB')
        self.assertEqual(common.format_size_vzdump(int(1.5 * 1024 ** 3)), '1.50GB')
        self.assertEqual(common.format_size_vzdump(3 * 1024 ** 4), '3.00TB')

    def test_FormatTime_HhMmSs(self):
        self.assertEqual(common.format_time_hms(31), '00:00:31')
        self.assertEqual(common.format_time_hms(3725), '01:02:05')

    def test_DiskSizes_FormatAndParse(self):
        self.assertEqual(common.format_disk_size(32 * 1024 ** 3), '32G')
        self.assertEqual(common.format_disk_size(256 * 1024 ** 2), '256M')
        self.assertEqual(common.format_disk_size(1536 * 1024), '1536K')
        self.assertEqual(common.format_disk_size(1000), '1000')
        self.assertEqual(common.parse_disk_size('32G'), 32 * 1024 ** 3)
        self.assertEqual(common.parse_disk_size('1.5M'), 1536 * 1024)
        self.assertIsNone(common.parse_disk_size('12X'))

    def test_EncodeText_EscapesControlColonAndNonAscii(self):
        self.assertEqual(common.encode_text('a:b\nc d'), 'a%3Ab%0Ac d')
        self.assertEqual(common.encode_text('é'), '%C3%A9')

    def test_Config_RoundTripKeepsSnapshotsAndDescription(self):
        text = '#first line\n#second\nname: web\nmemory: 512\n\n[snap1]\nname: old\n'
        conf, rest = common.parse_config(text)
        self.assertEqual(conf['description'], 'first line\nsecond')
        self.assertEqual(conf['name'], 'web')
        self.assertEqual(common.format_config(conf, rest),
                         '#first line\n#second\nmemory: 512\nname: web\n\n[snap1]\nname: old\n')

    def test_VmidRegex_Range(self):
        self.assertTrue(common.VMID_RE.match('100'))
        self.assertTrue(common.VMID_RE.match('999999999'))
        for bad in ('99', '0100', '1000000000', 'abc', ''):
            self.assertIsNone(common.VMID_RE.match(bad), bad)


if __name__ == '__main__':
    unittest.main()
