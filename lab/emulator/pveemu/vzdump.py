"""vzdump: back up VMs of this node into archives (see pve-cli-reference.md)."""

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

from . import archive
from .common import (
    PveError, ParamError, Spec, Interrupted, parse_args, rpath, nodename, conf_path, vm_exists,
    config_drives, volume_path, format_disk_size, format_size_vzdump, format_time_hms, render_bytes,
    render_duration, local_timestamp, vm_running, qmp_status, set_qmp_status, start_vm_process,
    stop_vm_process, load_config, set_lock, remove_lock, list_vmids, default_dumpdir, ensure_dir,
    LOCAL_STORAGE, VMID_RE, install_interrupt_handlers, run_main)

USAGE = 'vzdump {<vmid>} [OPTIONS]'

STORAGE_ID = r'^[a-z][a-z0-9\-_.]*[a-z0-9]$'


def _storage_check(value):
    if not re.match(STORAGE_ID, value, re.I):
        return "invalid format - storage ID '%s' contains illegal characters" % value
    return None


SPECS = {
    'all': Spec('boolean'),
    'bwlimit': Spec('integer', minimum=0),
    'compress': Spec('string', enum=['0', '1', 'gzip', 'lzo', 'zstd']),
    'dumpdir': Spec('string'),
    'exclude': Spec('string'),
    'exclude-path': Spec('string'),
    'fleecing': Spec('string'),
    'ionice': Spec('integer', minimum=0, maximum=8),
    'job-id': Spec('string'),
    'lockwait': Spec('integer', minimum=0),
    'mailnotification': Spec('string', enum=['always', 'failure']),
    'mailto': Spec('string'),
    'maxfiles': Spec('integer', minimum=1),
    'mode': Spec('string', enum=['snapshot', 'suspend', 'stop']),
    'node': Spec('string'),
    'notes-template': Spec('string'),
    'notification-mode': Spec('string', enum=['auto', 'legacy-sendmail', 'notification-system']),
    'pbs-change-detection-mode': Spec('string', enum=['legacy', 'data', 'metadata']),
    'performance': Spec('string'),
    'pigz': Spec('integer', minimum=0),
    'pool': Spec('string'),
    'protected': Spec('boolean'),
    'prune-backups': Spec('string'),
    'quiet': Spec('boolean'),
    'remove': Spec('boolean'),
    'script': Spec('string'),
    'stdexcludes': Spec('boolean'),
    'stdout': Spec('boolean'),
    'stopwait': Spec('integer', minimum=0),
    'storage': Spec('string', check=_storage_check),
    'tmpdir': Spec('string'),
    'zstd': Spec('integer', minimum=0),
}

BACKUP_NAME_RE = re.compile(
    r'^vzdump-(lxc|openvz|qemu)-([1-9][0-9]{2,8})-(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})'
    r'\.(vma|tar)(\.(gz|lzo|zst|bz2))?$')


class TaskFailed(Exception):
    pass


def split_list(text):
    return [item for item in re.split(r'[\s,;\0]+', text or '') if item]


def shellquote(value):
    text = str(value)
    if text == '':
        return "''"
    if not re.search(r'[^\w\-+=.,:/@]', text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def parse_prune(text):
    opts = {}
    for part in split_list(text):
        if '=' not in part:
            raise ParamError([('prune-backups', "invalid format - missing '=' in '%s'" % part)], USAGE)
        key, value = part.split('=', 1)
        if key not in ('keep-all', 'keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly',
                       'keep-monthly', 'keep-yearly'):
            raise ParamError([('prune-backups', "invalid format - property '%s' is not defined" % key)], USAGE)
        if not re.match(r'^\d+$', value):
            raise ParamError([('prune-backups', "invalid format - %s: type check ('integer') failed - got '%s'"
                               % (key, value))], USAGE)
        opts[key] = int(value)
    unsupported = sorted(k for k in opts if k not in ('keep-all', 'keep-last'))
    if unsupported:
        raise PveError('the lab emulator implements only keep-last and keep-all (got %s)'
                       % ', '.join(unsupported))
    return opts


def compressor(opts):
    """(argv, extension) of the compressor, like PVE::VZDump::compressor_info."""
    comp = str(opts.get('compress', '0'))
    if comp == '0':
        return None, None
    if comp in ('1', 'lzo'):
        return ['lzop'], 'lzo'
    if comp == 'gzip':
        if opts.get('pigz', 0) > 0:
            threads = opts['pigz']
            if threads == 1:
                threads = (os.cpu_count() + 1) // 2
            return ['pigz', '-p', str(threads), '--rsyncable'], 'gz'
        return ['gzip', '--rsyncable'], 'gz'
    threads = opts.get('zstd', 1)
    if threads == 0:
        threads = (os.cpu_count() + 1) // 2
    return ['zstd', '--threads=%d' % threads], 'zst'


class Job:
    def __init__(self, opts, order, vmids):
        self.opts = opts
        self.order = order
        self.vmids = vmids
        if opts.get('quiet'):
            self.out = None
        elif opts.get('stdout'):
            self.out = sys.stderr
        else:
            self.out = sys.stdout
        self.output_broken = False
        self.warnings = 0

    # -------------------------------------------------------------- output

    def log(self, level, msg, logfd=None):
        prefix = {'info': 'INFO', 'warn': 'WARN', 'err': 'ERROR'}[level]
        msg = str(msg).rstrip('\n')
        if not msg:
            return
        if level == 'warn':
            self.warnings += 1
        stamp = local_timestamp()
        for line in msg.split('\n'):
            if self.out is not None:
                try:
                    self.out.write('%s: %s\n' % (prefix, line))
                    self.out.flush()
                except OSError:
                    # The reader went away (e.g. the SSH session closed): the
                    # real vzdump dies of SIGPIPE; stop at the next data chunk.
                    self.out = None
                    self.output_broken = True
            if logfd is not None:
                logfd.write('%s %s: %s\n' % (stamp, prefix, line))
                logfd.flush()

    def command_line(self):
        parts = ['vzdump'] + [str(v) for v in self.vmids_given]
        for key in self.order:
            if key in ('stdout',):
                continue
            parts.append('--%s %s' % (key, shellquote(self.opts[key])))
        return ' '.join(parts)

    # --------------------------------------------------------------- hooks

    def run_hook(self, phase, task=None, logfd=None):
        script = self.opts.get('script')
        if not script:
            return
        if not os.access(script, os.X_OK):
            raise PveError("The hook script '%s' is not executable." % script)
        cmd = [script, phase]
        if task:
            cmd += [task['mode'], str(task['vmid'])]
        env = dict(os.environ)
        for key in ('STOREID', 'DUMPDIR', 'VMTYPE', 'HOSTNAME', 'TARGET', 'LOGFILE'):
            env.pop(key, None)
        if self.opts.get('storage'):
            env['STOREID'] = self.opts['storage']
        if self.dumpdir:
            env['DUMPDIR'] = self.dumpdir
        if task:
            for key in ('vmtype', 'hostname', 'target', 'logfile'):
                if task.get(key):
                    env[key.upper()] = str(task[key])
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        for raw in proc.stdout:
            self.log('info', raw.decode('utf-8', 'replace').rstrip('\n'), logfd)
        rc = proc.wait()
        if rc:
            raise PveError("command '%s' failed: exit code %d" % (' '.join(cmd), rc))

    # ---------------------------------------------------------------- setup

    def setup(self):
        """PVE::VZDump->new: errors here are printed on stderr before any task."""
        opts = self.opts
        if opts.get('storage') is not None and opts.get('stdout'):
            raise PveError("cannot use options 'storage' and 'stdout' at the same time")
        if opts.get('storage') is not None and opts.get('dumpdir') is not None:
            raise PveError("cannot use options 'storage' and 'dumpdir' at the same time")
        if not opts.get('dumpdir') and not opts.get('storage'):
            opts['storage'] = LOCAL_STORAGE
        errors = []
        try:
            self.dumpdir = None
            self.run_hook('job-init')
        except PveError as e:
            errors.append(e.msg)
        self.dumpdir = None
        if opts.get('storage'):
            storage = opts['storage']
            if storage != LOCAL_STORAGE:
                errors.append("could not activate storage '%s': storage '%s' does not exist" % (storage, storage))
                errors.append("could not get storage information for '%s': storage '%s' does not exist"
                              % (storage, storage))
            else:
                self.dumpdir = ensure_dir(default_dumpdir())
        else:
            dumpdir = opts['dumpdir'].rstrip('/') or '/'
            opts['dumpdir'] = dumpdir
            self.dumpdir = dumpdir
            if not os.path.isdir(dumpdir):
                errors.append("dumpdir '%s' does not exist" % dumpdir)
        if opts.get('tmpdir'):
            opts['tmpdir'] = opts['tmpdir'].rstrip('/') or '/'
            if not os.path.isdir(opts['tmpdir']):
                errors.append("tmpdir '%s' does not exist" % opts['tmpdir'])
        if errors:
            raise PveError('\n'.join(errors))
        if 'prune-backups' in opts:
            self.prune = parse_prune(opts['prune-backups'])
        elif opts.get('maxfiles'):
            self.prune = {'keep-last': opts['maxfiles']}
        else:
            self.prune = {'keep-all': 1}
        self.remove = opts.get('remove', 1)
        if self.prune.get('keep-all'):
            self.remove = 0

    def getlock(self):
        path = rpath('/run/vzdump.lock')
        ensure_dir(os.path.dirname(path))
        self.lockfd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(self.lockfd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        maxwait = self.opts.get('lockwait', 180)
        if not maxwait:
            self.log('err', "can't acquire lock '/var/run/vzdump.lock' (wait = 0)")
            raise PveError("can't acquire lock '/var/run/vzdump.lock' (wait = 0)")
        self.log('info', 'trying to get global lock - waiting...')
        deadline = time.time() + maxwait * 60
        while True:
            try:
                fcntl.flock(self.lockfd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.time() >= deadline:
                    self.log('err', "can't acquire lock '/var/run/vzdump.lock' - got timeout")
                    raise PveError("can't acquire lock '/var/run/vzdump.lock' - got timeout")
                time.sleep(0.2)
        self.log('info', 'got global lock')

    # ------------------------------------------------------------------ job

    def run(self):
        self.setup()
        self.getlock()
        self.log('info', 'starting new backup job: %s' % self.command_line())
        errcount = 0
        job_err = None
        try:
            self.run_hook('job-start')
            for vmid in self.vmids:
                if not self.backup_vm(vmid):
                    errcount += 1
            self.run_hook('job-end')
        except PveError as e:
            job_err = e.msg
        except Interrupted as e:
            job_err = str(e)
        if job_err:
            try:
                self.run_hook('job-abort')
            except PveError:
                pass
            self.log('err', 'Backup job failed - %s' % job_err)
            raise PveError(job_err)
        if errcount:
            self.log('info', 'Backup job finished with errors')
            raise PveError('job errors')
        self.log('info', 'Backup job finished successfully')
        if self.warnings:
            sys.stderr.write('Task finished with %d warning(s)!\n' % self.warnings)
        return 0

    def backup_vm(self, vmid):
        """exec_backup_task: returns True when the VM was backed up."""
        opts = self.opts
        task = {'vmid': vmid, 'mode': opts.get('mode', 'snapshot'), 'vmtype': None}
        vmstart = int(time.time())      # Perl's time(): whole seconds
        backup_time = vmstart
        logfd = None
        cleanup = {}
        err = None
        interrupted = False

        def online_again():
            if task.get('vmstoptime') is None:
                return
            task.setdefault('vmconttime', time.time())
            delay = int(task['vmconttime'] - task['vmstoptime'])
            self.log('info', 'guest is online again after %s seconds' % (delay if delay >= 1 else '<1'), logfd)

        try:
            if not vm_exists(vmid):
                raise TaskFailed("unable to find VM '%d'" % vmid)
            task['vmtype'] = 'qemu'
            bkname = 'vzdump-qemu-%d' % vmid
            basename = bkname + time.strftime('-%Y_%m_%d-%H_%M_%S', time.localtime(backup_time))
            self.check_backup_limit(bkname)
            task['logfile'] = os.path.join(self.dumpdir, basename + '.log')
            comp, comp_ext = compressor(opts)
            ext = '.vma' + ('.' + comp_ext if comp else '')
            if opts.get('stdout'):
                task['target'] = '-'
            else:
                task['target'] = os.path.join(self.dumpdir, basename + ext)
                task['tmptar'] = re.sub(r'\.[^.]+$', '.dat', task['target'])
                _unlink(task['tmptar'])
            if opts.get('tmpdir'):
                task['tmpdir'] = os.path.join(opts['tmpdir'], 'vzdumptmp%d_%d' % (os.getpid(), vmid))
            else:
                task['tmpdir'] = os.path.join(self.dumpdir, basename + '.tmp')
            shutil.rmtree(task['tmpdir'], ignore_errors=True)
            try:
                os.mkdir(task['tmpdir'])
            except OSError:
                raise TaskFailed("unable to create temporary directory '%s'" % task['tmpdir'])
            tmplog = os.path.join(ensure_dir(rpath('/var/log/vzdump')), 'qemu-%d.log' % vmid)
            logfd = open(tmplog, 'w')
            task['tmplog'] = tmplog
            _unlink(task['logfile'])

            self.log('info', 'Starting Backup of VM %d (qemu)' % vmid, logfd)
            self.log('info', 'Backup started at %s' % local_timestamp())
            running = vm_running(vmid)
            self.log('info', 'status = %s' % ('running' if running else 'stopped'), logfd)
            set_lock(vmid, 'backup')
            cleanup['unlock'] = True

            mode = task['mode'] if running else 'stop'
            if mode == 'snapshot':
                self.prepare(task, vmid, logfd)
            cleanup['prepared'] = True
            task['mode'] = mode
            self.log('info', 'backup mode: %s' % mode, logfd)
            if opts.get('bwlimit'):
                self.log('info', 'bandwidth limit: %d KiB/s' % opts['bwlimit'], logfd)
            self.log('info', 'ionice priority: %d' % opts.get('ionice', 7), logfd)

            if mode == 'stop':
                self.prepare(task, vmid, logfd)
                self.run_hook('backup-start', task, logfd)
                if running:
                    self.log('info', 'stopping virtual guest', logfd)
                    task['vmstoptime'] = time.time()
                    self.run_hook('pre-stop', task, logfd)
                    stop_vm_process(vmid)
                    cleanup['restart'] = True
            elif mode == 'suspend':
                self.prepare(task, vmid, logfd)
                self.run_hook('backup-start', task, logfd)
                self.log('info', 'suspending guest', logfd)
                task['vmstoptime'] = time.time()
                self.run_hook('pre-stop', task, logfd)
                set_qmp_status(vmid, 'paused')
                cleanup['resume'] = True
            else:
                self.run_hook('backup-start', task, logfd)
                self.run_hook('pre-stop', task, logfd)
                self.run_hook('pre-restart', task, logfd)
                self.run_hook('post-restart', task, logfd)

            config_text = self.assemble(task, vmid, logfd)

            if opts.get('stdout'):
                self.log('info', 'sending archive to stdout', logfd)
                self.archive(task, vmid, None, comp, config_text, logfd)
                self.run_hook('backup-end', task, logfd)
            else:
                self.log('info', "creating vzdump archive '%s'" % task['target'], logfd)
                self.archive(task, vmid, task['tmptar'], comp, config_text, logfd)
                try:
                    os.rename(task['tmptar'], task['target'])
                except OSError:
                    raise TaskFailed("unable to rename '%s' to '%s'" % (task['tmptar'], task['target']))
                task['size'] = os.path.getsize(task['target'])
                self.log('info', 'archive file size: %s' % format_size_vzdump(task['size']), logfd)
                if opts.get('storage'):
                    self.notes_and_protection(task, logfd)
                if self.remove:
                    self.prune_backups(bkname, logfd)
                self.run_hook('backup-end', task, logfd)
        except (TaskFailed, PveError, archive.ArchiveWriteError) as e:
            err = e.msg if isinstance(e, PveError) else str(e)
        except Interrupted as e:
            err = str(e)
            interrupted = True
        except OSError as e:
            err = '%s' % (e.strerror or e)

        # clean-up, as exec_backup_task does it
        if task.get('vmtype'):
            if cleanup.get('unlock'):
                try:
                    remove_lock(vmid, 'backup')
                except PveError as e:
                    self.log('warn', e.msg)
            if cleanup.get('resume') or cleanup.get('restart'):
                try:
                    self.run_hook('pre-restart', task, logfd)
                    if cleanup.get('resume'):
                        self.log('info', 'resume vm', logfd)
                        if vm_running(vmid):
                            set_qmp_status(vmid, 'running')
                    elif not vm_running(vmid):
                        self.log('info', 'restarting vm', logfd)
                        conf, _ = load_config(vmid)
                        start_vm_process(vmid, conf)
                    self.run_hook('post-restart', task, logfd)
                    online_again()
                except PveError as e:
                    self.log('warn', e.msg)
        if task.get('tmptar'):
            _unlink(task['tmptar'])
        if task.get('tmpdir'):
            shutil.rmtree(task['tmpdir'], ignore_errors=True)

        delay = int(time.time()) - vmstart
        if err:
            self.log('err', 'Backup of VM %d failed - %s' % (vmid, err), logfd)
            self.log('info', 'Failed at %s' % local_timestamp())
            try:
                self.run_hook('backup-abort', task, logfd)
            except PveError:
                pass
        else:
            self.log('info', 'Finished Backup of VM %d (%s)' % (vmid, format_time_hms(delay)), logfd)
            self.log('info', 'Backup finished at %s' % local_timestamp())
        if logfd is not None:
            logfd.close()
            if task.get('logfile'):
                try:
                    shutil.copyfile(task['tmplog'], task['logfile'])
                except OSError:
                    pass
        try:
            self.run_hook('log-end', task)
        except PveError:
            pass
        if interrupted:
            raise Interrupted(err)
        return err is None

    def check_backup_limit(self, bkname):
        limit = 0 if self.prune.get('keep-all') else sum(self.prune.values())
        if (limit and not self.remove) or self.opts.get('protected'):
            backups = self.backup_list(bkname)
            if self.opts.get('protected'):
                return
            count = len([b for b in backups if not b['protected']])
            if count >= limit:
                raise TaskFailed('There is a max backup limit of %d enforced by the target storage or the '
                                 'vzdump parameters. Either increase the limit or delete old backups.' % limit)

    # ----------------------------------------------------------- the guest

    def prepare(self, task, vmid, logfd):
        """PVE::VZDump::QemuServer::prepare: the disks to back up."""
        conf, _ = load_config(vmid)
        task['disks'] = []
        if 'name' in conf:
            self.log('info', 'VM Name: %s' % conf['name'], logfd)
        task['hostname'] = conf.get('name')
        for key, volid, dopts in config_drives(conf):
            if dopts.get('backup') in ('0', 'no', 'off', 'false'):
                self.log('info', "exclude disk '%s' '%s' (backup=no)" % (key, volid), logfd)
                continue
            if key.startswith('efidisk') and conf.get('bios') != 'ovmf':
                self.log('info', "exclude disk '%s' '%s' (efidisk but no OMVF BIOS)" % (key, volid), logfd)
                continue
            line = "include disk '%s' '%s'" % (key, volid)
            if 'size' in dopts:
                size = _size_or_none(dopts['size'])
                line += ' %s' % (format_disk_size(size) if size is not None else dopts['size'])
            self.log('info', line, logfd)
            path = volume_path(volid)
            if not os.path.exists(path):
                raise TaskFailed("no such volume '%s'" % volid)
            storeid = volid.split(':', 1)[0] if not volid.startswith('/') else ''
            task['disks'].append({'virtdev': key, 'volid': volid, 'path': path, 'storeid': storeid,
                                  'size': os.path.getsize(path), 'format': 'raw'})
        task['vm_was_running'] = vm_running(vmid)
        task['vm_was_paused'] = qmp_status(vmid) == 'paused'

    def assemble(self, task, vmid, logfd):
        """The config stored in the archive, with vzdump's '#qmdump#map' lines."""
        with open(conf_path(vmid)) as f:
            lines = f.read().splitlines(True)
        out = []
        found_snapshot = found_pending = False
        for line in lines:
            if line.startswith('#vzdump#') or line.startswith('#qmdump#'):
                continue
            match = re.match(r'^\[(.*)\]\s*$', line)
            if match:
                if 'PENDING' in match.group(1).upper():
                    found_pending = True
                else:
                    found_snapshot = True
                break
            match = re.match(r'^unused\d+:\s*(\S+)\s*', line)
            if match:
                self.log('info', "skip unused drive '%s' (not included into backup)" % match.group(1), logfd)
                continue
            if line.startswith('lock:') or line.startswith('parent:'):
                continue
            out.append(line)
        for disk in task['disks']:
            out.append('#qmdump#map:%s:drive-%s:%s:%s:\n' % (disk['virtdev'], disk['virtdev'],
                                                             disk['storeid'], disk['format']))
        if found_snapshot:
            self.log('info', 'snapshots found (not included into backup)', logfd)
        if found_pending:
            self.log('info', 'pending configuration changes found (not included into backup)', logfd)
        text = ''.join(out)
        with open(os.path.join(task['tmpdir'], 'qemu-server.conf'), 'w') as f:
            f.write(text)
        firewall = rpath('/etc/pve/firewall/%d.fw' % vmid)
        task['firewall'] = None
        if os.path.isfile(firewall):
            with open(firewall) as f:
                task['firewall'] = f.read()
        return text

    def archive(self, task, vmid, filename, comp, config_text, logfd):
        """archive_vma: stream config and disks through the compressor."""
        throttle = archive.Throttle(self.opts.get('bwlimit', 0))
        if not task['disks']:
            self.log('info', 'backup contains no disks', logfd)
        # vm_was_running is the state prepare() saw: a running VM backed up
        # in stop mode is started again (paused) here and then resumed.
        vm_was_running = task.get('vm_was_running', False)
        if not vm_running(vmid):
            self.log('info', 'starting kvm to execute backup task', logfd)
            conf, _ = load_config(vmid)
            start_vm_process(vmid, conf, status='prelaunch')
        if filename is None:
            sys.stdout.flush()
            outfd = os.dup(1)
        else:
            outfd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        proc = None
        err = None
        try:
            if comp:
                try:
                    proc = subprocess.Popen(comp, stdin=subprocess.PIPE, stdout=outfd, bufsize=0)
                except OSError:
                    raise TaskFailed("fork compressor '%s' failed" % ' '.join(comp))
                try:
                    fcntl.fcntl(proc.stdin.fileno(), 1031, 1 << 20)     # F_SETPIPE_SZ
                except OSError:
                    pass
                out = proc.stdin
            else:
                out = os.fdopen(os.dup(outfd), 'wb', buffering=0)
            job_uuid = str(uuid.uuid4())
            writer = archive.ArchiveWriter(out)
            devices = []
            for i, disk in enumerate(task['disks'], 1):
                devices.append({'dev_id': i, 'devname': 'drive-%s' % disk['virtdev'],
                                'virtdev': disk['virtdev'], 'size': disk['size']})
            self.log('info', "started backup task '%s'" % job_uuid, logfd)
            self.resume_after_job_start(task, vmid, vm_was_running, logfd)
            try:
                writer.header({'format': 'drlab-vma', 'version': 1, 'uuid': job_uuid, 'ctime': int(time.time()),
                               'config': config_text, 'firewall': task.get('firewall'), 'devices': devices})
                progress = Progress(self, sum(d['size'] for d in devices), logfd)
                for dev in devices:
                    disk = task['disks'][dev['dev_id'] - 1]
                    writer.disk(dev['dev_id'], disk['path'], disk['size'], progress.update, throttle)
                writer.finish()
                if not comp:
                    out.close()
                progress.finish()
            except (archive.ArchiveWriteError, Interrupted, TaskFailed) as e:
                err = e
                self.log('err', str(e), logfd)
                self.log('info', 'aborting backup job', logfd)
                self.resume_after_job_start(task, vmid, vm_was_running, logfd)
            self.restore_power_state(vmid, vm_was_running, logfd)
            if err:
                if proc:
                    proc.kill()
                    proc.wait()
                raise err
            if proc:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
                rc = proc.wait()
                if rc:
                    raise TaskFailed('%s failed - wrong exit status %d' % (' '.join(comp), rc))
        finally:
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(outfd)

    def resume_after_job_start(self, task, vmid, vm_was_running, logfd):
        if not vm_was_running or task.get('vm_was_paused'):
            return
        if task.get('vmstoptime') is not None:
            delay = int(time.time() - task['vmstoptime'])
            task['vmstoptime'] = None
            self.log('info', 'resuming VM again after %d seconds' % delay, logfd)
        else:
            self.log('info', 'resuming VM again', logfd)
        if vm_running(vmid):
            set_qmp_status(vmid, 'running')

    def restore_power_state(self, vmid, vm_was_running, logfd):
        if vm_was_running:
            return
        status = qmp_status(vmid)
        if status == 'prelaunch':
            self.log('info', 'stopping kvm after backup task', logfd)
            stop_vm_process(vmid)
        else:
            self.log('info', "kvm status changed after backup ('%s') - keep VM running" % status, logfd)

    # -------------------------------------------------- after the archive

    def notes_and_protection(self, task, logfd):
        template = self.opts.get('notes-template')
        if template:
            self.log('info', 'adding notes to backup', logfd)
            try:
                notes = generate_notes(template, task)
            except ValueError as e:
                self.log('warn', 'unable to add notes - %s' % e, logfd)
            else:
                with open(task['target'] + '.notes', 'w') as f:
                    f.write(notes)
        if self.opts.get('protected'):
            self.log('info', 'marking backup as protected', logfd)
            open(task['target'] + '.protected', 'w').close()

    def backup_list(self, bkname):
        result = []
        try:
            names = os.listdir(self.dumpdir)
        except OSError:
            return result
        for name in names:
            match = BACKUP_NAME_RE.match(name)
            if not match or not name.startswith(bkname + '-'):
                continue
            path = os.path.join(self.dumpdir, name)
            ctime = time.mktime(tuple(int(match.group(i)) for i in range(3, 9)) + (0, 0, -1))
            result.append({'path': path, 'ctime': ctime, 'protected': os.path.exists(path + '.protected')})
        return result

    def prune_backups(self, bkname, logfd):
        keepstr = ', '.join('%s=%s' % (k, self.prune[k]) for k in sorted(self.prune))
        self.log('info', 'prune older backups with retention: %s' % keepstr, logfd)
        backups = sorted(self.backup_list(bkname), key=lambda b: b['ctime'], reverse=True)
        keep_last = self.prune.get('keep-last', 0)
        pruned = 0
        kept = 0
        for backup in backups:
            if backup['protected']:
                continue
            if kept < keep_last:
                kept += 1
                continue
            pruned += 1
            path = backup['path']
            self.log('info', "delete old backup '%s'" % path, logfd)
            _unlink(path)
            _unlink(path + '.notes')
            logpath = re.sub(r'\.(vma|tar)(\.(gz|lzo|zst|bz2))?$', '.log', path)
            _unlink(logpath)
        extra = ' not covered by keep-retention policy' if pruned > 0 else ''
        self.log('info', 'pruned %d backup(s)%s' % (pruned, extra), logfd)


class Progress:
    """query_backup_status_loop: sampled once a second, printed when the
    percentage changed and more than 2 seconds passed, plus a final line."""

    def __init__(self, job, total, logfd):
        self.job = job
        self.logfd = logfd
        self.total = total
        self.start = int(time.time())
        self.last_time = self.start
        self.last_percent = -1
        self.last_transferred = 0
        self.last_zero = 0
        self.transferred = 0
        self.zero = 0
        self.next_sample = time.time() + 1

    @staticmethod
    def rate(nbytes, delta):
        if nbytes <= 0:
            return '0 B/s'
        return render_bytes(int(nbytes / delta), 1) + '/s'

    def update(self, read_delta, zero_delta):
        self.transferred += read_delta
        self.zero += zero_delta
        if self.job.output_broken:
            raise Interrupted('interrupted by signal')
        now = time.time()
        if now >= self.next_sample:
            self.next_sample = now + 1
            self.sample(final=False)

    def sample(self, final):
        ctime = int(time.time())
        duration = ctime - self.start
        percent = int(self.transferred * 100 / self.total) if self.total else 100
        rbytes = self.transferred - self.last_transferred
        wbytes = rbytes - (self.zero - self.last_zero)
        timediff = (ctime - self.last_time) or 1
        line = '%3d%% (%s of %s) in %s, read: %s, write: %s' % (
            percent, render_bytes(self.transferred, 1), render_bytes(self.total, 1),
            render_duration(duration), self.rate(rbytes, timediff), self.rate(wbytes, timediff))
        if final:
            if self.last_percent < 100:
                self.job.log('info', line, self.logfd)
            if self.zero:
                self.last_zero = self.zero
            return
        if percent != self.last_percent and timediff > 2:
            self.job.log('info', line, self.logfd)
            self.last_percent = percent
            if self.zero:
                self.last_zero = self.zero
            if self.transferred:
                self.last_transferred = self.transferred
            self.last_time = ctime

    def finish(self):
        self.sample(final=True)
        duration = int(time.time()) - self.start
        if self.last_zero:
            zero_per = int(self.last_zero * 100 / self.total) if self.total else 0
            self.job.log('info', 'backup is sparse: %s (%d%%) total zero data'
                         % (render_bytes(self.last_zero), zero_per), self.logfd)
        if self.transferred:
            if duration:
                self.job.log('info', 'transferred %s in %d seconds (%s)' % (
                    render_bytes(self.transferred), duration, self.rate(self.transferred, duration)), self.logfd)
            else:
                self.job.log('info', 'transferred %s in <1 seconds' % render_bytes(self.transferred), self.logfd)


def generate_notes(template, task):
    info = {'cluster': '', 'guestname': task.get('hostname') or '', 'node': nodename(),
            'vmid': str(task['vmid'])}

    def unescape(match):
        char = match.group(1)
        if char == '\\':
            return '\\'
        if char == 'n':
            return '\n'
        raise ValueError("unexpected escape character '%s'" % char)

    text = re.sub(r'\\(.)', unescape, template)
    text = re.sub(r'\{\{(cluster|guestname|node|vmid)\}\}', lambda m: info[m.group(1)], text)
    match = re.search(r'\{\{([^\s]+)\}\}', text)
    if match:
        raise ValueError("unexpected variable name '%s'" % match.group(1))
    return text


def _size_or_none(text):
    from .common import parse_disk_size
    return parse_disk_size(text)


def _unlink(path):
    try:
        os.unlink(path)
    except (FileNotFoundError, IsADirectoryError):
        pass


def resolve_vmids(opts):
    """The VMIDs of the job, checked as PVE::VZDump::check_vmids does."""
    given = split_list(opts.get('vmid'))
    for item in given:
        if not re.match(r'^\d+$', item):
            raise PveError("ERROR: strange VM ID '%s'" % item)
        if not VMID_RE.match(item):
            raise ParamError([('vmid', 'invalid format - value does not look like a valid VM ID')], USAGE)
    if opts.get('pool'):
        raise PveError("pool '%s' does not exist" % opts['pool'])
    if opts.get('all'):
        excluded = set()
        for item in split_list(opts.get('exclude')):
            if not re.match(r'^\d+$', item):
                raise PveError("ERROR: strange VM ID '%s'" % item)
            excluded.add(int(item))
        vmids = [v for v in list_vmids() if v not in excluded]
    else:
        vmids = sorted(set(int(v) for v in given))
    return given, vmids


def main(argv):
    opts, order = parse_args(argv, SPECS, [], USAGE, optional_positional=['vmid'])
    if opts.get('all') and opts.get('vmid'):
        raise ParamError([('all', "option conflicts with option 'vmid'")], USAGE)
    if opts.get('exclude') and opts.get('vmid'):
        raise ParamError([('exclude', "option conflicts with option 'vmid'")], USAGE)
    if opts.get('pool') and opts.get('vmid'):
        raise ParamError([('pool', "option conflicts with option 'vmid'")], USAGE)
    if 'prune-backups' in opts and 'maxfiles' in opts:
        raise ParamError([('prune-backups', "option conflicts with option 'maxfiles'")], USAGE)
    if '\n' in opts.get('notes-template', ''):
        raise ParamError([('notes-template', 'contains a line feed')], USAGE)
    if opts.get('exclude') and not opts.get('pool'):
        opts['all'] = 1
    if not (opts.get('all') or opts.get('pool') or opts.get('vmid')):
        raise ParamError([('vmid', 'property is missing')], USAGE)
    given, vmids = resolve_vmids(opts)
    if opts.get('stdout') and len(vmids) != 1:
        raise PveError('you can only backup a single VM with option --stdout')
    install_interrupt_handlers()
    job = Job(opts, order, vmids)
    job.vmids_given = given
    return job.run()


def entry():
    sys.exit(run_main(main, sys.argv[1:]))
