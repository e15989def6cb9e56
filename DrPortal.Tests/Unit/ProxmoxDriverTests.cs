using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>The driver over a canned shell: what reaches the log, the live bar and the failure report.</summary>
public class ProxmoxDriverTests
{
    private static readonly Hypervisor Host = new() { Id = 1, Name = "pve-dc1", Address = "10.250.0.11", StagingDirectory = "/var/lib/vz/dump" };

    private const string VzdumpRun =
        """
        drportal-process 4242 987654
        INFO: starting new backup job: vzdump 100 --mode stop --compress zstd --dumpdir /var/lib/vz/dump --remove 0
        INFO: Starting Backup of VM 100 (qemu)
        INFO: creating vzdump archive '/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst'
        INFO:  10% (3.2 GiB of 32.0 GiB) in 3s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO:  50% (16.0 GiB of 32.0 GiB) in 15s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO:  90% (28.8 GiB of 32.0 GiB) in 27s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO: 100% (32.0 GiB of 32.0 GiB) in 30s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO: transferred 32.00 GiB in 30 seconds (1.07 GiB/s)
        INFO: archive file size: 532MB
        INFO: Finished Backup of VM 100 (00:00:31)
        INFO: Backup job finished successfully

        """;

    private static BackupRequest Backup => new(VmRef.Of("100"), ProxmoxBackupOptions.ToMap(BackupCompression.Zstd, BackupMode.Stop));

    private static ProxmoxDriver DriverOver(ProxmoxScriptedShell shell) => new(new HostCommandRunner(shell), new ProxmoxProfile());

    [Fact]
    public async Task BackupAsync_TrackedRun_ReportsTheProcessAndKeepsTheMarkerOutOfTheLog()
    {
        var reporter = new ProxmoxRecordingReporter();
        var driver = DriverOver(new ProxmoxScriptedShell(new RemoteResult(0, VzdumpRun, "")));

        var outcome = await driver.BackupAsync(Host, Backup, reporter, CancellationToken.None);

        Assert.Equal("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", outcome.Files.Single(f => f.Role == ProxmoxDriver.ArchiveRole).Path);
        Assert.Equal("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.log", outcome.Files.Single(f => f.Role == ProxmoxDriver.LogRole).Path);
        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", outcome.Label);
        Assert.Equal([new HostProcess(4242, 987654)], reporter.Processes);
        Assert.DoesNotContain(reporter.Lines, l => l.Contains("drportal-process", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BackupAsync_ProgressLines_GoToTheBarWithOnlyTheFirstAndLastLogged()
    {
        var reporter = new ProxmoxRecordingReporter();
        var driver = DriverOver(new ProxmoxScriptedShell(new RemoteResult(0, VzdumpRun, "")));

        await driver.BackupAsync(Host, Backup, reporter, CancellationToken.None);

        Assert.Equal([10, 50, 90, 100], reporter.Progresses.Select(p => (int)p.Percent));
        var logged = reporter.Lines.Where(l => l.Contains("% (", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, logged.Count);
        Assert.Contains(" 10% ", logged[0], StringComparison.Ordinal);
        Assert.Contains("100% ", logged[1], StringComparison.Ordinal);
        // The last progress line keeps its place, before the summary that followed it.
        Assert.True(reporter.Lines.IndexOf(logged[1]) < reporter.Lines.FindIndex(l => l.Contains("transferred", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RestoreAsync_FailureInsideTheTask_TakesTheReasonFromTheErrorLine_AndShowsNoMarker()
    {
        // Proxmox prints the task's lines on stdout, the clean-up notices first, the error last (pve-cli-reference, Addendum).
        const string stdout = """
            drportal-process 777 123
            restore vma archive: zstd -q -d -c /var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst | vma extract -v -r /var/tmp/vzdumptmp9.fifo - /var/tmp/vzdumptmp9
            CFG: size: 458 name: qemu-server.conf
            DEV: dev_id=1 size: 17179869184 devname: drive-scsi0
            CTIME: Tue Sep  5 15:29:21 2023
            error before or during data restore, some or all disks were not completely restored. VM 9100 state is NOT cleaned up.

            """;
        const string stderr = "unable to restore VM 9100 - storage 'fast' does not exist\n";
        var driver = DriverOver(new ProxmoxScriptedShell(new RemoteResult(255, stdout, stderr)));
        var point = new RestorePointInfo(1, "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", null, false,
            [new ArchiveFileInfo("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", ProxmoxDriver.ArchiveRole, 1, new string('a', 64))], DateTimeOffset.UnixEpoch);
        var request = new RestoreRequest([point], VmRef.Of("9100"), Force: false, Storage: "fast");

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            driver.RestoreAsync(Host, request, new ProxmoxRecordingReporter(), CancellationToken.None));

        Assert.Contains("unable to restore VM 9100 - storage 'fast' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VMID stays taken", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.LastLines, l => l.Contains("drportal-process", StringComparison.Ordinal));
        Assert.Equal("unable to restore VM 9100 - storage 'fast' does not exist", ex.LastLines[^1]);
    }

    [Theory]
    [InlineData(0, "stopped\n", true)]
    [InlineData(0, "gone\n", false)]
    public async Task StopLeftoverAsync_Verdicts_SayWhetherSomethingWasStopped(int exit, string output, bool expected)
    {
        var shell = new ProxmoxScriptedShell(new RemoteResult(exit, output, ""));

        var stopped = await DriverOver(shell).StopLeftoverAsync(Host, new HostProcess(4242, 987654), CancellationToken.None);

        Assert.Equal(expected, stopped);
        Assert.Equal(ShellQuoting.ToShellLine(TrackedCommands.StopLeftover(new HostProcess(4242, 987654))), ShellQuoting.ToShellLine(shell.Commands.Single()));
    }

    [Theory]
    [InlineData(3, "refused: process 4242 is a VM process (kvm -id 300 -name web01)", "is a VM process")]
    [InlineData(1, "running", "did not stop within 30 s")]
    public async Task StopLeftoverAsync_RefusedOrStillRunning_Throws(int exit, string output, string expected)
    {
        var driver = DriverOver(new ProxmoxScriptedShell(new RemoteResult(exit, output + "\n", "")));

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            driver.StopLeftoverAsync(Host, new HostProcess(4242, 987654), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
