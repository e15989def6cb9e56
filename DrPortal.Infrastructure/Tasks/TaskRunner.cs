using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// Runs one task by id through its stages. Every stage is persisted when it starts and when it ends and is
/// written so that running it again is safe, so a task interrupted by a stop or a crash resumes at its first
/// unfinished stage. A failure is reported in words and with the failing command's last output lines.
/// </summary>
internal sealed partial class TaskRunner(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    Hypervisors.HypervisorDrivers drivers,
    PairPreflight preflight,
    IArchiveTransport transport,
    HostLocks hostLocks,
    TaskSlots slots,
    TaskCancellations cancellations,
    ITaskFeed feed,
    IClock clock,
    IOptions<DrPortalOptions> options,
    ILogger<TaskRunner> logger)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private IArchiveTransport Transport { get; } = transport;
    private PairPreflight Preflight { get; } = preflight;
    private HostLocks HostLocks { get; } = hostLocks;
    private ILogger Logger { get; } = logger;
    private ITaskFeed Feed { get; } = feed;
    private IDbContextFactory<DrPortalDbContext> DbFactory { get; } = dbFactory;
    private IClock Clock { get; } = clock;

    private DrPortalOptions Options => options.Value;

    public async Task RunAsync(long taskId, CancellationToken shutdown)
    {
        var cts = cancellations.Register(taskId, shutdown);
        TaskSlots.Lease? slot = null;
        try
        {
            try
            {
                slot = await slots.TakeAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
            {
                // Cancelled while waiting for a slot: go on without one, only to record the cancellation.
            }
            await using var db = await DbFactory.CreateDbContextAsync(CancellationToken.None);
            var task = await db.Tasks.Include(t => t.Stages)
                .Include(t => t.VmPair!).ThenInclude(p => p.SourceHypervisor)
                .Include(t => t.VmPair!).ThenInclude(p => p.TargetHypervisor)
                .AsSplitQuery().FirstOrDefaultAsync(t => t.Id == taskId, CancellationToken.None);
            if (task is null || task.IsFinished)
            {
                return;
            }
            if (task.VmPair is null)
            {
                task.Fail("The VM pair of this task was deleted.", null, Clock.UtcNow);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            await using var reporter = new TaskReporter(task, DbFactory, Feed, Clock);
            var run = new Run(this, db, task, reporter, slot, cts.Token);
            await run.ExecuteAsync(shutdown);
        }
        finally
        {
            slot?.Dispose();
            cancellations.Unregister(taskId, cts);
            cts.Dispose();
        }
    }

    private IHypervisorDriver DriverFor(Hypervisor host) =>
        drivers.Find(host.Kind) ?? throw new StageFailedException($"No driver for hypervisor kind {host.Kind} (host {host.Name}).");

    /// <summary>A stage failed for a reason to show the user; the task fails with it.</summary>
    private sealed class StageFailedException(string message, IReadOnlyList<string>? output = null) : Exception(message)
    {
        public IReadOnlyList<string>? Output { get; } = output;
    }

    /// <summary>The state of one execution of one task.</summary>
    private sealed class Run(TaskRunner runner, DrPortalDbContext db, DrTask task, TaskReporter reporter, TaskSlots.Lease? slot, CancellationToken ct)
    {
        private Core.Pairs.VmPair Pair => task.VmPair!;
        private Hypervisor Source => Pair.SourceHypervisor!;
        private Hypervisor Target => Pair.TargetHypervisor!;
        private IClock Clock => runner.Clock;

        public async Task ExecuteAsync(CancellationToken shutdown)
        {
            try
            {
                if (task.CancelRequested)
                {
                    throw new OperationCanceledException();
                }
                var resumed = task.Attempts > 0;
                task.MarkStarted(Clock.UtcNow);
                await SaveAsync();
                reporter.Log(resumed
                    ? $"Resuming {task.Kind} of pair #{Pair.Id} ({Pair.Describe()}), attempt {task.Attempts}."
                    : $"Starting {task.Kind} of pair #{Pair.Id} ({Pair.Describe()}), requested by {task.RequestedBy}.");

                while (task.NextStage() is { } stage)
                {
                    ct.ThrowIfCancellationRequested();
                    var interrupted = stage.Status == StageStatus.Running;
                    task.BeginStage(stage, Clock.UtcNow);
                    await SaveAsync();
                    reporter.Log(interrupted ? $"== {stage.Name} (again: it was interrupted)" : $"== {stage.Name}");
                    var (status, message) = await RunStageAsync(stage.Name, interrupted);
                    task.EndStage(stage, status, Clock.UtcNow, message);
                    await SaveAsync();
                    if (message is not null)
                    {
                        reporter.Log(message);
                    }
                }
                task.Succeed(Clock.UtcNow);
                reporter.Log(task.Status == DrTaskStatus.SucceededWithWarnings ? "Finished with warnings." : "Finished.");
                await SaveAsync();
            }
            catch (OperationCanceledException)
            {
                if (shutdown.IsCancellationRequested && !await CancelRequestedAsync())
                {
                    // The portal is stopping: the task stays as it is and resumes at this stage on the next start.
                    reporter.Log("The portal is stopping; the task will resume when it starts again.");
                }
                else
                {
                    await CancelAsync();
                }
            }
            catch (Exception ex) when (ex is StageFailedException or HypervisorCommandException or TransferException
                                           or RemoteConnectionException or HostKeyMismatchException)
            {
                var output = ex switch
                {
                    StageFailedException s => s.Output,
                    HypervisorCommandException h => h.LastLines,
                    TransferException t => t.LastLines,
                    _ => null,
                };
                await FailAsync(ex.Message, output ?? reporter.LastLines(20));
            }
#pragma warning disable CA1031 // Any other failure still ends the task with a reason rather than leaving it running.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogUnexpected(runner.Logger, ex, task.Id);
                await FailAsync($"Unexpected error: {ex.Message}", reporter.LastLines(20));
            }
            finally
            {
                runner.Feed.Publish(TaskUpdate.Of(task));
            }
        }

        private async Task<(StageStatus, string?)> RunStageAsync(StageName stage, bool interrupted) => stage switch
        {
            StageName.Preflight => await PreflightAsync(),
            StageName.Backup => await BackupAsync(interrupted),
            StageName.Pull => await PullAsync(),
            StageName.Push => await PushAsync(await ArchiveAsync()),
            StageName.Restore => await RestoreAsync(interrupted),
            StageName.Start => await StartAsync(),
            StageName.Cleanup => await CleanupAsync(),
            _ => throw new StageFailedException($"Unknown stage {stage}."),
        };

        // ------------------------------------------------------------ Preflight
        /// <summary>Everything that can be known before the backup: a run that would fail at its last stage fails here, in seconds.</summary>
        private async Task<(StageStatus, string?)> PreflightAsync()
        {
            // The same report the confirmation dialog showed, asked again now.
            var report = await runner.Preflight.CheckAsync(Pair.Id, task.Kind, task.ArchiveId, ct)
                ?? throw new StageFailedException("The VM pair of this task was deleted.");
            foreach (var check in report.Checks)
            {
                reporter.Log($"{(check.Status switch { PreflightStatus.Passed => "ok  ", PreflightStatus.Warning => "warn", _ => "FAIL" })} {check.Name}: {check.Message}");
            }
            if (!report.CanRun)
            {
                throw new StageFailedException(string.Join(" ", report.Failures.Select(f => f.Message)));
            }
            return (StageStatus.Succeeded, report.TargetSummary);
        }

        // ------------------------------------------------------------ Backup
        private async Task<(StageStatus, string?)> BackupAsync(bool interrupted)
        {
            using var hostLock = await AcquireHostAsync(Source);
            var driver = runner.DriverFor(Source);
            if (interrupted)
            {
                await StopLeftoversAsync(driver, Source, StageName.Backup);
            }
            var request = new BackupRequest(VmId.From(Pair.SourceVmId), Source.DumpDirectory, Pair.Compression, Pair.BackupMode, Source.BandwidthLimitKiBps);
            var outcome = await driver.BackupAsync(Source, request, reporter, ct);
            task.SourceArchivePath = outcome.ArchivePath;
            task.SourceLogPath = outcome.LogPath;

            var fileName = Path.GetFileName(outcome.ArchivePath);
            var archive = await db.Archives.FirstOrDefaultAsync(a => a.SourceHypervisorId == Source.Id && a.FileName == fileName, CancellationToken.None);
            if (archive is null)
            {
                archive = new Archive
                {
                    VmPairId = Pair.Id,
                    SourceHypervisorId = Source.Id,
                    SourceHypervisorName = Source.Name,
                    SourceVmId = Pair.SourceVmId,
                    FileName = fileName,
                    LogFileName = Path.GetFileName(outcome.LogPath),
                    CreatedAt = Clock.UtcNow,
                    CreatedByTaskId = task.Id,
                };
                db.Archives.Add(archive);
            }
            archive.OnPrimary = true;
            await SaveAsync();
            task.ArchiveId = archive.Id;
            var status = outcome.Warnings.Count > 0 ? StageStatus.SucceededWithWarnings : StageStatus.Succeeded;
            return (status, $"Archive {fileName} written on {Source.Name}" + (outcome.Warnings.Count > 0 ? $" with {outcome.Warnings.Count} warning(s)." : "."));
        }

        // ------------------------------------------------------------ Pull
        private async Task<(StageStatus, string?)> PullAsync()
        {
            var archive = await ArchiveAsync();
            var remote = task.SourceArchivePath ?? throw new StageFailedException("The backup stage left no archive path to pull.");
            var local = runner.Options.RepositoryPathOf(archive);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);

            try
            {
                await runner.Transport.PullAsync(Source, remote, local, reporter, ct);
            }
            catch (TransferException ex) when (ex.DiskFull || !ex.Retryable)
            {
                // Kept partial data only helps a resume; one that cannot come would keep the repository's disk full.
                ArchiveStore.DeleteLocalCopy(local);
                throw new StageFailedException(ex.Message + (ex.DiskFull
                    ? $" The partial copy was removed; {ByteSize.Format(new DriveInfo(Path.GetFullPath(local)).AvailableFreeSpace)} is free in the repository now."
                    : " The partial copy was removed."), ex.LastLines);
            }
            if (task.SourceLogPath is { } log && archive.LogFileName is { } logName)
            {
                await runner.Transport.PullAsync(Source, log, Path.Combine(Path.GetDirectoryName(local)!, logName), NullReporter.Instance, ct);
            }

            reporter.Log("Verifying the repository copy against the host's copy (SHA-256).");
            reporter.Verifying("the repository copy and the copy on " + Source.Name);
            // Both copies are hashed at the same time: one on the host, one here.
            var localHashing = Sha256Async(local);
            var remoteHashing = runner.Transport.RemoteSha256Async(Source, remote, ct);
            await Task.WhenAll((Task)localHashing, remoteHashing);
            var (localSha, remoteSha) = (localHashing.Result, remoteHashing.Result);
            if (!string.Equals(localSha, remoteSha, StringComparison.Ordinal))
            {
                File.Delete(local);
                throw new StageFailedException(
                    $"The pulled copy of {archive.FileName} does not match the copy on {Source.Name} (SHA-256 {localSha} vs {remoteSha ?? "missing"}); the repository copy was removed.");
            }
            archive.Sha256 = localSha;
            archive.SizeBytes = new FileInfo(local).Length;
            archive.InRepository = true;
            archive.PulledAt = Clock.UtcNow;
            await SaveAsync();
            return (StageStatus.Succeeded, $"Repository copy verified: {ByteSize.Format(archive.SizeBytes)}, SHA-256 {localSha}.");
        }

        // ------------------------------------------------------------ Push
        private async Task<(StageStatus, string?)> PushAsync(Archive archive)
        {
            if (!archive.IsVerified)
            {
                throw new StageFailedException($"Archive {archive.FileName} has no verified repository copy to send.");
            }
            var local = runner.Options.RepositoryPathOf(archive);
            if (!File.Exists(local))
            {
                throw new StageFailedException($"The repository copy of {archive.FileName} is missing ({local}).");
            }
            var remote = RemotePath(Target, archive.FileName);
            reporter.Verifying($"the copy on {Target.Name}");
            var existing = await runner.Transport.RemoteSha256Async(Target, remote, ct);
            if (!string.Equals(existing, archive.Sha256, StringComparison.Ordinal))
            {
                await SendAsync(local, remote, archive);
                reporter.Verifying($"the copy on {Target.Name}");
                existing = await runner.Transport.RemoteSha256Async(Target, remote, ct);
            }
            else
            {
                reporter.Log($"{Target.Name} already holds a verified copy of {archive.FileName}.");
            }
            if (!string.Equals(existing, archive.Sha256, StringComparison.Ordinal))
            {
                await runner.Transport.RemoveRemoteAsync(Target, [remote], CancellationToken.None);
                throw new StageFailedException(
                    $"The copy of {archive.FileName} on {Target.Name} does not match the repository (SHA-256 {existing ?? "missing"} vs {archive.Sha256}); it was removed and nothing on {Target.Name} was changed.");
            }
            archive.OnRecovery = true;
            task.TargetArchivePath = remote;
            await SaveAsync();
            return (StageStatus.Succeeded, $"{archive.FileName} is on {Target.Name}, SHA-256 verified.");
        }

        /// <summary>Sends the repository copy to the recovery host, refusing up front when it cannot fit there.</summary>
        private async Task SendAsync(string local, string remote, Archive archive)
        {
            var free = await runner.Transport.RemoteFreeBytesAsync(Target, Target.DumpDirectory, ct);
            if (free < archive.SizeBytes)
            {
                throw new StageFailedException(
                    $"{archive.FileName} needs {ByteSize.Format(archive.SizeBytes)} on {Target.Name}, but only {ByteSize.Format(free)} is free in {Target.DumpDirectory}. " +
                    $"Nothing was sent; make room on {Target.Name} and retry.");
            }
            try
            {
                await runner.Transport.PushAsync(local, Target, remote, reporter, ct);
            }
            catch (TransferException ex) when (ex.DiskFull || !ex.Retryable)
            {
                // A transfer that cannot resume must not leave its partial data filling the recovery host's disk.
                await runner.Transport.RemoveRemoteAsync(Target, [remote], CancellationToken.None);
                var now = await runner.Transport.RemoteFreeBytesAsync(Target, Target.DumpDirectory, CancellationToken.None);
                throw new StageFailedException(ex.Message + (ex.DiskFull
                    ? $" {archive.FileName} needs {ByteSize.Format(archive.SizeBytes)}; {ByteSize.Format(now)} is free in {Target.DumpDirectory} on {Target.Name} after removing the partial copy."
                    : $" The partial copy on {Target.Name} was removed."), ex.LastLines);
            }
        }

        // ------------------------------------------------------------ Restore
        private async Task<(StageStatus, string?)> RestoreAsync(bool interrupted)
        {
            var archive = await ArchiveAsync();
            var remote = task.TargetArchivePath ?? RemotePath(Target, archive.FileName);
            var vmId = VmId.From(Pair.TargetVmId);
            var driver = runner.DriverFor(Target);
            using var hostLock = await AcquireHostAsync(Target);

            var facts = await PairPreflight.TargetFactsAsync(driver, Target, vmId, ct);
            if (!interrupted || task.TargetExistedBefore is null)
            {
                // Asked again right before touching it: hours may have passed since the pre-flight check (a failover?).
                // After an interruption the VM may be our own half-restored one, so the decision of the lost attempt stands.
                var (fate, message) = ReplicaTargetRules.Decide(Pair, Target.Name, facts);
                if (fate == TargetFate.Refused)
                {
                    throw new StageFailedException(message);
                }
                reporter.Log(message);
                task.TargetExistedBefore = facts.Exists;
                await SaveAsync();
            }
            if (interrupted)
            {
                reporter.Log($"The previous restore attempt was interrupted; restoring {archive.FileName} again over VM {vmId}.");
                await StopLeftoversAsync(driver, Target, StageName.Restore);
            }
            if (facts.Exists)
            {
                reporter.Log($"Stopping VM {vmId} on {Target.Name} before replacing it.");
                await driver.StopAsync(Target, vmId, ct);
            }
            try
            {
                var outcome = await driver.RestoreAsync(Target, new RestoreRequest(remote, vmId, Force: facts.Exists, Target.RestoreStorage), reporter, ct);
                await RecordReplicaAsync(driver, vmId);
                return (outcome.Warnings.Count > 0 ? StageStatus.SucceededWithWarnings : StageStatus.Succeeded,
                    $"VM {vmId} on {Target.Name} restored from {archive.FileName}.");
            }
            catch (HypervisorCommandException ex) when (task.TargetExistedBefore == true)
            {
                var fallback = await RestorePreviousAsync(archive, vmId, driver);
                throw new StageFailedException($"Restore of {archive.FileName} into VM {vmId} on {Target.Name} failed: {ex.Message} {fallback}", ex.LastLines);
            }
            catch (HypervisorCommandException ex) when (task.TargetExistedBefore == false)
            {
                var cleanup = await RemoveFailedRestoreAsync(driver, vmId);
                throw new StageFailedException($"Restore of {archive.FileName} into VM {vmId} on {Target.Name} failed: {ex.Message} {cleanup}", ex.LastLines);
            }
        }

        /// <summary>The replica now at the target is this pair's: its identity is what lets the next run replace it.</summary>
        private async Task RecordReplicaAsync(IHypervisorDriver driver, VmId vmId)
        {
            Pair.ReplicaIdentity = await driver.GetVmIdentityAsync(Target, vmId, CancellationToken.None);
            await SaveAsync();
            reporter.Log(Pair.ReplicaIdentity is null
                ? $"VM {vmId} on {Target.Name} reports no identity: the next run will treat it as a VM the pair did not create."
                : $"Recorded VM {vmId} on {Target.Name} as this pair's replica ({Pair.ReplicaIdentity}).");
        }

        /// <summary>
        /// A restore into a free VMID that fails leaves a stub configuration that keeps the VMID taken (qmrestore does not
        /// clean up). The VMID was free before this task, so the stub is ours to remove, and the next run can create the VM.
        /// </summary>
        private async Task<string> RemoveFailedRestoreAsync(IHypervisorDriver driver, VmId vmId)
        {
            try
            {
                if (!await driver.VmExistsAsync(Target, vmId, CancellationToken.None))
                {
                    return $"VM {vmId} was free before and is still free.";
                }
                await driver.StopAsync(Target, vmId, CancellationToken.None);
                await driver.DestroyAsync(Target, vmId, CancellationToken.None);
                return $"What the failed restore left at VM {vmId} (free before this task) was removed.";
            }
#pragma warning disable CA1031 // Both failures are reported together.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return $"What the failed restore left at VM {vmId} could not be removed ({ex.Message}); remove it on {Target.Name} before the next run.";
            }
        }

        /// <summary>After a failed restore over an existing VM, puts the pair's previous good archive back so the recovery site keeps a VM.</summary>
        private async Task<string> RestorePreviousAsync(Archive failed, VmId vmId, IHypervisorDriver driver)
        {
            var previous = await db.Archives.AsNoTracking()
                .Where(a => a.VmPairId == Pair.Id && a.Id != failed.Id && a.InRepository && a.Sha256 != null && a.CreatedAt <= failed.CreatedAt)
                .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(CancellationToken.None);
            if (previous is null)
            {
                return $"No earlier archive of this pair exists to fall back to; check VM {vmId} on {Target.Name}.";
            }
            reporter.Log($"Falling back: restoring the previous archive {previous.FileName} so {Target.Name} keeps a VM {vmId}.");
            try
            {
                var tracked = await db.Archives.FirstAsync(a => a.Id == previous.Id, CancellationToken.None);
                await PushAsync(tracked);
                await driver.RestoreAsync(Target, new RestoreRequest(RemotePath(Target, previous.FileName), vmId, Force: true, Target.RestoreStorage), reporter, CancellationToken.None);
                await RecordReplicaAsync(driver, vmId);
                return $"The previous archive {previous.FileName} was restored instead, so VM {vmId} is back at that state.";
            }
#pragma warning disable CA1031 // Both failures are reported together.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return $"Restoring the previous archive {previous.FileName} also failed: {ex.Message}";
            }
        }

        // ------------------------------------------------------------ Start
        private async Task<(StageStatus, string?)> StartAsync()
        {
            if (Pair.ReplicaStart == ReplicaStart.Off)
            {
                return (StageStatus.Skipped, "Left stopped: this pair does not start its replica (failover starts it).");
            }
            var vmId = VmId.From(Pair.TargetVmId);
            var driver = runner.DriverFor(Target);
            if (await driver.GetStatusAsync(Target, vmId, ct) != VmPowerState.Running)
            {
                if (Pair.ReplicaStart == ReplicaStart.LinksDown)
                {
                    // The replica has the primary's MACs and addresses: with its links down it boots but cannot meet the primary.
                    var nics = await driver.SetNetworkLinksAsync(Target, vmId, up: false, ct);
                    reporter.Log(nics.Count == 0
                        ? $"VM {vmId} has no network interfaces."
                        : $"Network links of VM {vmId} set down before starting it: {string.Join(", ", nics)} (MAC addresses kept).");
                }
                await driver.StartAsync(Target, vmId, ct);
            }
            var deadline = Clock.UtcNow + StartTimeout;
            while (true)
            {
                var state = await driver.GetStatusAsync(Target, vmId, ct);
                if (state == VmPowerState.Running)
                {
                    return (StageStatus.Succeeded, Pair.ReplicaStart == ReplicaStart.LinksDown
                        ? $"VM {vmId} is running on {Target.Name} with its network links down."
                        : $"VM {vmId} is running on {Target.Name}, connected.");
                }
                if (Clock.UtcNow > deadline)
                {
                    throw new StageFailedException($"VM {vmId} on {Target.Name} did not reach 'running' within {StartTimeout.TotalSeconds:0} s (status: {state}).");
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }

        // ------------------------------------------------------------ Cleanup
        private async Task<(StageStatus, string?)> CleanupAsync()
        {
            if (task.Kind == DrTaskKind.Restore || !Pair.RemoveSourceCopy)
            {
                return (StageStatus.Skipped, task.Kind == DrTaskKind.Restore
                    ? "Nothing to clean: the recovery host keeps its copy as the fallback for the next restore."
                    : $"The copy on {Source.Name} is kept (the pair keeps source copies).");
            }
            var archive = await ArchiveAsync();
            if (!archive.IsVerified)
            {
                return (StageStatus.Skipped, $"The copy on {Source.Name} is kept: the repository copy is not verified.");
            }
            var paths = new List<string>();
            if (task.SourceArchivePath is { } a)
            {
                paths.Add(a);
            }
            if (task.SourceLogPath is { } l)
            {
                paths.Add(l);
            }
            await runner.Transport.RemoveRemoteAsync(Source, paths, ct);
            archive.OnPrimary = false;
            await SaveAsync();
            return (StageStatus.Succeeded, $"Removed the copy on {Source.Name}; the repository keeps the verified copy.");
        }

        // ------------------------------------------------------------ helpers
        /// <summary>
        /// Before a stage runs again after the portal died in it: the host command of the lost attempt may still run (it
        /// holds the VM's lock, or writes the files the new attempt needs), so it is stopped and awaited first. Only the
        /// one process the stage recorded is stopped, by PID and start time; the driver refuses a VM process.
        /// </summary>
        private async Task StopLeftoversAsync(IHypervisorDriver driver, Hypervisor host, StageName stageName)
        {
            if (task.Stage(stageName).HostProcess is not { } process)
            {
                reporter.Log($"The interrupted attempt recorded no command on {host.Name}; nothing to stop.");
                return;
            }
            var stopped = await driver.StopLeftoverAsync(host, process, ct);
            reporter.Log(stopped
                ? $"Stopped the command (pid {process.Pid}) the interrupted attempt left running on {host.Name}."
                : $"The command of the interrupted attempt (pid {process.Pid}) no longer runs on {host.Name}.");
        }

        private async Task<Archive> ArchiveAsync()
        {
            if (task.ArchiveId is not { } id)
            {
                throw new StageFailedException("The task has no archive.");
            }
            return await db.Archives.FirstOrDefaultAsync(a => a.Id == id, CancellationToken.None)
                ?? throw new StageFailedException($"Archive {id} no longer exists (was it deleted?).");
        }

        private async Task<IDisposable> AcquireHostAsync(Hypervisor host)
        {
            var held = await runner.HostLocks.AcquireAsync(host.Id, async () =>
            {
                task.Status = DrTaskStatus.WaitingForHost;
                await SaveAsync();
                reporter.Log($"Waiting for {host.Name}: another task is using it.");
                runner.Feed.Publish(TaskUpdate.Of(task));
            }, slot, ct);
            if (task.Status == DrTaskStatus.WaitingForHost)
            {
                task.Status = DrTaskStatus.Running;
                await SaveAsync();
                runner.Feed.Publish(TaskUpdate.Of(task));
            }
            return held;
        }

        private static string RemotePath(Hypervisor host, string fileName) => $"{host.DumpDirectory.TrimEnd('/')}/{fileName}";

        private async Task<bool> CancelRequestedAsync()
        {
            await using var fresh = await runner.DbFactory.CreateDbContextAsync(CancellationToken.None);
            return await fresh.Tasks.Where(t => t.Id == task.Id).Select(t => t.CancelRequested).FirstAsync(CancellationToken.None);
        }

        private async Task CancelAsync()
        {
            var stage = task.CurrentStage;
            reporter.Log($"Cancelled{(stage is null ? "" : $" during {stage}")}; removing partial files.");
            try
            {
                await RemovePartialsAsync(stage);
            }
#pragma warning disable CA1031 // Cleanup is best effort; the task is cancelled regardless.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                reporter.Log($"Cleanup after cancel was incomplete: {ex.Message}");
            }
            task.Cancel(stage is null ? "Cancelled." : $"Cancelled during {stage}.", Clock.UtcNow);
            await SaveAsync();
        }

        /// <summary>Removes what an unfinished stage left behind; finished copies and the recovery VM are left as they were.</summary>
        private async Task RemovePartialsAsync(StageName? stage)
        {
            switch (stage)
            {
                case StageName.Pull when task.ArchiveId is not null:
                    var archive = await ArchiveAsync();
                    if (!archive.InRepository)
                    {
                        var local = runner.Options.RepositoryPathOf(archive);
                        ArchiveStore.DeleteLocalCopy(local);
                    }
                    break;
                case StageName.Push when task.ArchiveId is not null:
                    var pushed = await ArchiveAsync();
                    if (!pushed.OnRecovery)
                    {
                        await runner.Transport.RemoveRemoteAsync(Target, [RemotePath(Target, pushed.FileName)], CancellationToken.None);
                    }
                    break;
            }
        }

        private async Task FailAsync(string reason, IEnumerable<string>? output)
        {
            reporter.Log($"FAILED: {reason}");
            task.Fail(reason, output, Clock.UtcNow);
            await SaveAsync();
        }

        private async Task SaveAsync() => await db.SaveChangesAsync(CancellationToken.None);
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var hash = await System.Security.Cryptography.SHA256.HashDataAsync(stream);
        return Convert.ToHexStringLower(hash);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception ex, long taskId);

    private sealed class NullReporter : IStageReporter
    {
        public static readonly NullReporter Instance = new();

        public void Log(string line)
        {
        }

        public void Progress(StageProgress progress)
        {
        }
    }
}
