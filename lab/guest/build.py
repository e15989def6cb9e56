#!/usr/bin/python3
"""The lab's bootable guest: a Debian kernel and a small initramfs that starts a guest agent.

    build.py [--out DIR] [--cache DIR] [--force]

Every package comes from Debian through 'apt-get download' and is only unpacked ('dpkg-deb -x')
into the cache: nothing is installed on this machine, so no kernel hook runs here.

  kernel      linux-image-amd64's versioned package: vmlinuz, and the virtio modules it builds as
              modules (virtio_pci, virtio_blk, virtio_console and what they depend on)
  /init       busybox-static: mounts proc/sys/devtmpfs, prints DRLAB-BOOTED on the serial console,
              reads the marker at the start of /dev/vda ('DRLAB-GUEST agent=1 halt-after=0'), starts
              qemu-ga on the org.qemu.guest_agent.0 port when agent=1, powers off after
              halt-after=N seconds when N > 0
  qemu-ga     from qemu-guest-agent's .deb, with the libraries ldd names (from this machine, the
              same Debian release); its guest-shutdown runs /sbin/shutdown, which powers off

The guest's behaviour travels with its disk, so a restored copy behaves as the original.
Output: DIR/vmlinuz and DIR/initrd.img (default /usr/local/lib/drlab-guest: outside the /etc and
/var overlays of the lab hosts, so every host's libvirtd reads the same files at the same path).
The build is skipped when DIR/build.stamp names the same package versions and the same build
script; it fails loudly (exit 1, the reason on stderr) when anything is missing.
"""

import argparse
import gzip
import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

OUT = '/usr/local/lib/drlab-guest'
CACHE = '/var/cache/drlab-guest'
KERNEL_META = 'linux-image-amd64'
PACKAGES = ('busybox-static', 'qemu-guest-agent')
# What the agent needs and the disk the marker is read from; the rest of virtio is built in or unused.
# button + evdev: the ACPI power button ('virsh shutdown --mode acpi') as an input device /init watches.
MODULES = ('virtio_pci', 'virtio_blk', 'virtio_console', 'button', 'evdev')
AGENT_PORT = 'org.qemu.guest_agent.0'
MARKER = 'DRLAB-GUEST'

INIT = r'''#!/bin/sh
# /init of the DrPortal lab guest (lab/guest/build.py).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /run /tmp /var
ln -sfn /run /var/run
say() { echo "$*" >/dev/ttyS0; }
say DRLAB-BOOTED
for m in $(cat /etc/drlab-modules); do insmod "/lib/modules/$m" 2>/dev/null || say "DRLAB-WARN insmod $m failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
marker=""
[ -b /dev/vda ] && marker=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9=_. -')
agent=0 halt=0
case "$marker" in
  "@MARKER@ "*|"@MARKER@")
    for word in $marker; do
      case "$word" in
        agent=1) agent=1 ;;
        halt-after=*) halt=${word#halt-after=} ;;
      esac
    done ;;
  *) say "DRLAB-NO-MARKER" ;;
esac
case "$halt" in ''|*[!0-9]*) halt=0 ;; esac
say "DRLAB-MARKER agent=$agent halt-after=$halt"
if [ "$agent" = 1 ]; then
  port=""
  i=0
  while [ -z "$port" ] && [ $i -lt 100 ]; do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = "@PORT@" ] && [ -c "/dev/${p##*/}" ] && port="/dev/${p##*/}"
    done
    [ -n "$port" ] || { sleep 0.1; i=$((i + 1)); }
  done
  if [ -n "$port" ]; then
    /usr/sbin/qemu-ga -m virtio-serial -p "$port" -t /run -f /run/qemu-ga.pid >/dev/null 2>&1 </dev/null &
    say "DRLAB-AGENT $port"
  else
    say "DRLAB-NO-AGENT-PORT"
  fi
fi
# ACPI power button (a graceful shutdown without the agent): any event from it powers off.
button=""
i=0
while [ -z "$button" ] && [ $i -lt 30 ]; do
  for e in /sys/class/input/event*; do
    [ "$(cat "$e/device/name" 2>/dev/null)" = "Power Button" ] && [ -c "/dev/input/${e##*/}" ] && button="/dev/input/${e##*/}"
  done
  [ -n "$button" ] || { sleep 0.1; i=$((i + 1)); }
done
if [ -n "$button" ]; then
  ( head -c 1 "$button" >/dev/null && { say "DRLAB-ACPI-POWER"; sync; poweroff -f; } ) </dev/null &
else
  say "DRLAB-NO-POWER-BUTTON"
fi
if [ "$halt" -gt 0 ]; then
  ( sleep "$halt"; say "DRLAB-HALT"; sync; poweroff -f ) &
fi
# PID 1 must never end (the kernel panics): it waits, reaping what it inherits.
while :; do wait; sleep 5; done
'''.replace('@MARKER@', MARKER).replace('@PORT@', AGENT_PORT)

# qemu-ga's guest-shutdown runs '/sbin/shutdown -P|-H|-r +0 <message>' and waits for its exit status:
# answer 0 first, then power off (or reboot) a second later.
SHUTDOWN = r'''#!/bin/sh
action=poweroff
for a in "$@"; do [ "$a" = -r ] && action=reboot; done
echo "DRLAB-SHUTDOWN $*" >/dev/ttyS0
( sleep 1; sync; $action -f ) </dev/null >/dev/null 2>&1 &
exit 0
'''


class BuildError(Exception):
    pass


def run(argv, cwd=None):
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError('%s failed (%d): %s' % (' '.join(argv), proc.returncode, (proc.stderr or proc.stdout).strip()))
    return proc.stdout


# ------------------------------------------------------------------ pure parts (unit-tested)

def parse_candidate(policy_output):
    """The candidate version from 'apt-cache policy PKG', or None."""
    m = re.search(r'^\s*Candidate:\s*(\S+)\s*$', policy_output, re.M)
    return None if m is None or m.group(1) == '(none)' else m.group(1)


def parse_kernel_package(depends_output):
    """The versioned kernel package linux-image-amd64 depends on, from 'apt-cache depends'."""
    m = re.search(r'^\s*Depends:\s*(linux-image-[0-9][A-Za-z0-9.+-]*-amd64)\s*$', depends_output, re.M)
    return m.group(1) if m else None


def build_key(versions, script_text):
    """What decides whether the output is current: the package versions and this script."""
    lines = ['%s=%s' % (p, v) for p, v in sorted(versions.items())]
    lines.append('script=' + hashlib.sha256(script_text.encode()).hexdigest())
    return '\n'.join(lines) + '\n'


def modinfo_depends(ko_bytes):
    """The 'depends=' field of a kernel module's .modinfo section (names, no '.ko')."""
    m = re.search(rb'(?:^|\x00)depends=([^\x00]*)\x00', ko_bytes)
    if m is None:
        return []
    return [d for d in m.group(1).decode().split(',') if d]


def module_load_order(wanted, depends_of):
    """Modules with every dependency before its user, each once; depends_of(name) -> [names]."""
    order, seen = [], set()

    def visit(name, path):
        if name in path:
            raise BuildError('module dependency loop: %s' % ' -> '.join(path + [name]))
        if name in seen:
            return
        for dep in depends_of(name):
            visit(dep, path + [name])
        seen.add(name)
        order.append(name)

    for name in wanted:
        visit(name, [])
    return order


def parse_ldd(output):
    """Absolute paths of the libraries 'ldd' names; BuildError for any it cannot find."""
    paths, missing = [], []
    for line in output.splitlines():
        line = line.strip()
        if 'not found' in line:
            missing.append(line.split()[0])
            continue
        m = re.match(r'^\S+\s+=>\s+(/\S+)\s+\(', line) or re.match(r'^(/\S+)\s+\(', line)
        if m:
            paths.append(m.group(1))
    if missing:
        raise BuildError('qemu-ga needs libraries this machine does not have: %s' % ', '.join(missing))
    return paths


class Cpio:
    """An initramfs as the kernel reads it: cpio 'newc', entries in the order added."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b'', rdev=(0, 0)):
        name = name.lstrip('/')
        if name in self.names:
            raise BuildError('initramfs entry %s added twice' % name)
        self.names.add(name)
        encoded = name.encode() + b'\x00'
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(encoded), 0)
        self.ino += 1
        self.buf.write(b'070701' + b''.join(b'%08X' % f for f in fields))
        self.buf.write(encoded)
        self.buf.write(b'\x00' * (-(110 + len(encoded)) % 4))
        self.buf.write(data)
        self.buf.write(b'\x00' * (-len(data) % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, executable=False):
        self._entry(name, stat.S_IFREG | (0o755 if executable else 0o644), data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry('TRAILER!!!', 0)
        self.names.discard('TRAILER!!!')
        return self.buf.getvalue()


def parents(path):
    """'a/b/c' -> ['a', 'a/b']."""
    parts = path.strip('/').split('/')[:-1]
    return ['/'.join(parts[:i + 1]) for i in range(len(parts))]


# ------------------------------------------------------------------ apt and the build

def resolve_versions():
    kernel = parse_kernel_package(run(['apt-cache', 'depends', KERNEL_META]))
    if kernel is None:
        raise BuildError("apt-cache knows no kernel package under %s (run 'apt-get update')" % KERNEL_META)
    versions = {}
    for package in (kernel,) + PACKAGES:
        version = parse_candidate(run(['apt-cache', 'policy', package]))
        if version is None:
            raise BuildError("apt-cache has no candidate for %s (run 'apt-get update')" % package)
        versions[package] = version
    return kernel, versions


def fetch(package, version, debs):
    """The .deb of package=version in the cache, downloaded once."""
    os.makedirs(debs, exist_ok=True)
    for name in sorted(os.listdir(debs)):
        if name.startswith(package + '_') and name.endswith('.deb'):
            path = os.path.join(debs, name)
            if run(['dpkg-deb', '-f', path, 'Version']).strip() == version:
                return path
    run(['apt-get', 'download', '-q', '%s=%s' % (package, version)], cwd=debs)
    for name in sorted(os.listdir(debs)):
        if name.startswith(package + '_') and name.endswith('.deb'):
            path = os.path.join(debs, name)
            if run(['dpkg-deb', '-f', path, 'Version']).strip() == version:
                return path
    raise BuildError('apt-get download %s=%s left no .deb in %s' % (package, version, debs))


def unpack(deb, into):
    os.makedirs(into, exist_ok=True)
    run(['dpkg-deb', '-x', deb, into])
    return into


def kernel_modules(kroot):
    """[(path in the initramfs under /lib/modules, bytes)] of MODULES and their dependencies, in load order."""
    base = os.path.join(kroot, 'lib', 'modules')
    releases = os.listdir(base) if os.path.isdir(base) else []
    if len(releases) != 1:
        raise BuildError('the kernel package holds %d module trees, expected one' % len(releases))
    release = releases[0]
    config = os.path.join(kroot, 'boot', 'config-' + release)
    builtin = set()
    if os.path.exists(config):
        with open(config) as f:
            builtin = {m.group(1).lower() for m in re.finditer(r'^CONFIG_([A-Z0-9_]+)=y$', f.read(), re.M)}
    files = {}
    for top, _, names in os.walk(os.path.join(base, release)):
        for name in names:
            if name.endswith('.ko'):
                files[name[:-3].replace('-', '_')] = os.path.join(top, name)
    for wanted in MODULES:
        if wanted not in files and wanted not in builtin:
            raise BuildError('the kernel has module %s neither built in nor as a file' % wanted)
    cache = {}

    def read(name):
        if name not in cache:
            with open(files[name], 'rb') as f:
                cache[name] = f.read()
        return cache[name]

    order = module_load_order([m for m in MODULES if m in files],
                              lambda n: [d.replace('-', '_') for d in modinfo_depends(read(n))])
    return release, [(os.path.basename(files[n]), read(n)) for n in order]


def build_initrd(bbroot, garoot, modules):
    cpio = Cpio()
    made = set()

    def dirs_for(path):
        for d in parents(path):
            if d not in made:
                cpio.directory(d)
                made.add(d)

    for d in ('bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'run', 'tmp', 'etc', 'lib', 'lib/modules'):
        cpio.directory(d)
        made.add(d)
    cpio.chardev('dev/console', 5, 1)
    busybox = os.path.join(bbroot, 'bin', 'busybox')
    if not os.path.exists(busybox):
        raise BuildError('busybox-static holds no bin/busybox')
    with open(busybox, 'rb') as f:
        cpio.file('bin/busybox', f.read(), executable=True)
    applets = run([busybox, '--list']).split()
    for needed in ('sh', 'mount', 'insmod', 'poweroff', 'reboot', 'dd', 'head', 'tr', 'sleep', 'cat', 'sync'):
        if needed not in applets:
            raise BuildError('busybox has no %s applet' % needed)
    for applet in applets:
        if applet != 'busybox' and re.fullmatch(r'[A-Za-z0-9_.\[-]+', applet):
            cpio.symlink('bin/' + applet, 'busybox')
    cpio.file('init', INIT.encode(), executable=True)
    cpio.file('sbin/shutdown', SHUTDOWN.encode(), executable=True)
    cpio.file('etc/drlab-modules', ''.join(name + '\n' for name, _ in modules).encode())
    for name, data in modules:
        cpio.file('lib/modules/' + name, data)
    agent = os.path.join(garoot, 'usr', 'sbin', 'qemu-ga')
    if not os.path.exists(agent):
        raise BuildError('qemu-guest-agent holds no usr/sbin/qemu-ga')
    with open(agent, 'rb') as f:
        cpio.file('usr/sbin/qemu-ga', f.read(), executable=True)
    for lib in parse_ldd(run(['ldd', agent])):
        inside = lib.lstrip('/')
        dirs_for(inside)
        with open(os.path.realpath(lib), 'rb') as f:
            cpio.file(inside, f.read(), executable=True)
    return gzip.compress(cpio.finish(), compresslevel=6, mtime=0)


def build(out, cache, force=False):
    with open(os.path.realpath(__file__)) as f:
        script = f.read()
    kernel, versions = resolve_versions()
    key = build_key(versions, script)
    stamp = os.path.join(out, 'build.stamp')
    if not force and all(os.path.exists(os.path.join(out, n)) for n in ('vmlinuz', 'initrd.img')) \
            and os.path.exists(stamp) and open(stamp).read() == key:
        print('guest: up to date in %s (%s)' % (out, ', '.join('%s %s' % kv for kv in sorted(versions.items()))))
        return 0
    debs = os.path.join(cache, 'debs')
    work = tempfile.mkdtemp(prefix='unpack-', dir=cache if os.path.isdir(cache) else None)
    try:
        roots = {p: unpack(fetch(p, v, debs), os.path.join(work, p)) for p, v in versions.items()}
        release, modules = kernel_modules(roots[kernel])
        vmlinuz = os.path.join(roots[kernel], 'boot', 'vmlinuz-' + release)
        if not os.path.exists(vmlinuz):
            raise BuildError('the kernel package holds no boot/vmlinuz-%s' % release)
        initrd = build_initrd(roots['busybox-static'], roots['qemu-guest-agent'], modules)
        os.makedirs(out, exist_ok=True)
        os.chmod(out, 0o755)
        # Written beside and renamed: a host booting meanwhile reads the old pair or the new one.
        shutil.copyfile(vmlinuz, os.path.join(out, 'vmlinuz.tmp'))
        with open(os.path.join(out, 'initrd.img.tmp'), 'wb') as f:
            f.write(initrd)
        for n in ('vmlinuz', 'initrd.img'):
            os.chmod(os.path.join(out, n + '.tmp'), 0o644)
            os.replace(os.path.join(out, n + '.tmp'), os.path.join(out, n))
        with open(stamp + '.tmp', 'w') as f:
            f.write(key)
        os.replace(stamp + '.tmp', stamp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('guest: built %s/{vmlinuz,initrd.img} (kernel %s, modules %s; initrd %d KiB)' % (
        out, release, ' '.join(n for n, _ in modules), len(initrd) // 1024))
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog='build.py', description="the lab's bootable guest (kernel + initramfs)")
    parser.add_argument('--out', default=os.environ.get('DRLAB_GUEST_DIR', OUT))
    parser.add_argument('--cache', default=os.environ.get('DRLAB_GUEST_CACHE', CACHE))
    parser.add_argument('--force', action='store_true')
    args = parser.parse_args(argv)
    try:
        os.makedirs(args.cache, exist_ok=True)
        return build(args.out, args.cache, args.force)
    except (BuildError, OSError) as e:
        sys.stderr.write('guest: cannot build the lab guest: %s\n' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
