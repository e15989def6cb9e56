"""The lab host setup in lab.sh writes what a real node needs."""

import os
import re
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class LabSetupTest(unittest.TestCase):

    def test_StorageCfg_LocalCarriesTheImagesContentType(self):
        with open(os.path.join(LAB, 'lab.sh')) as f:
            script = f.read()
        match = re.search(r'printf "(dir: local[^"]*)" >/etc/pve/storage\.cfg', script)
        self.assertIsNotNone(match, 'lab.sh no longer writes storage.cfg the way this test reads it')
        cfg = match.group(1).replace('\\n', '\n').replace('\\t', '\t')
        content = re.search(r'^\tcontent (\S+)$', cfg, re.M)
        self.assertIsNotNone(content, cfg)
        self.assertLessEqual({'images', 'backup'}, set(content.group(1).split(',')))
        self.assertIn('\tpath /var/lib/vz\n', cfg)
