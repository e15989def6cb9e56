"""Runs the emulator's commands against a private root, without any lab host.

$PVE_EMU_ROOT makes every built-in Proxmox path (/etc/pve, /var/lib/vz, /run)
live under a temporary directory and $PVE_EMU_NODE names the node, so these
tests need neither root nor namespaces.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(LAB, 'emulator', 'bin')
LABVM = os.path.join(LAB, 'lib', 'labvm.py')
PYTHON = '/usr/bin/python3'
NODE = 'pve-test'

# The regex Proxmox itself uses for backup file names (pve-cli-reference.md).
ARCHIVE_RE = re.compile(
    r'^vzdump-(lxc|openvz|qemu)-([1-9][0-9]{2,8})-(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})'
    r'\.(vma|tar)(\.(gz|lzo|zst|bz2))?$')


class EmulatorTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix='pveemu-test-')
        self.env = dict(os.environ)
        self.env.update({'PVE_EMU_ROOT': self.root, 'PVE_EMU_NODE': NODE, 'LANG': 'C.UTF-8'})
        self.env.pop('PVE_EMULATOR_DIR', None)
        self.dumpdir = os.path.join(self.root, 'var/lib/vz/dump')
        os.makedirs(self.dumpdir)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        rundir = os.path.join(self.root, 'run/qemu-server')
        if os.path.isdir(rundir):
            for name in os.listdir(rundir):
                if name.endswith('.pid'):
                    try:
                        with open(os.path.join(rundir, name)) as f:
                            pid = int(f.read().split()[0])
                        with open('/proc/%d/cmdline' % pid, 'rb') as f:
                            if f.read().startswith(b'kvm -id '):
                                os.kill(pid, signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------ running

    def run_cmd(self, cmd, *args, stdin=None, env=None, binary=False, timeout=120):
        proc = subprocess.run([os.path.join(BIN, cmd)] + [str(a) for a in args], env=env or self.env,
                              input=stdin, capture_output=True, timeout=timeout,
                              text=not binary)
        return proc

    def ok(self, cmd, *args, **kw):
        proc = self.run_cmd(cmd, *args, **kw)
        self.assertEqual(proc.returncode, 0, 'exit %d\nstdout:\n%s\nstderr:\n%s'
                         % (proc.returncode, proc.stdout, proc.stderr))
        return proc

    def labvm(self, *args):
        proc = subprocess.run([PYTHON, LABVM] + [str(a) for a in args], env=self.env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def create_vm(self, vmid, size='8M', fill=0.5, name=None, running=False, disks=1):
        args = ['create', vmid, '--size', size, '--fill', fill, '--disks', disks]
        if name:
            args += ['--name', name]
        if running:
            args.append('--running')
        self.labvm(*args)

    def checksums(self, vmid):
        return self.labvm('checksum', vmid)

    def config_path(self, vmid):
        return os.path.join(self.root, 'etc/pve/nodes', NODE, 'qemu-server', '%d.conf' % vmid)

    def config(self, vmid):
        with open(self.config_path(vmid)) as f:
            return f.read()

    def archives(self, directory=None):
        return sorted(n for n in os.listdir(directory or self.dumpdir) if ARCHIVE_RE.match(n))

    def backup(self, vmid, *args):
        before = set(self.archives())
        proc = self.ok('vzdump', vmid, '--dumpdir', self.dumpdir, *args)
        new = sorted(set(self.archives()) - before)
        self.assertEqual(len(new), 1, proc.stdout)
        return os.path.join(self.dumpdir, new[0]), proc

    def wait_for(self, predicate, timeout=20, what='condition'):
        deadline = time.time() + timeout
        while time.time() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        self.fail('timed out waiting for %s' % what)
