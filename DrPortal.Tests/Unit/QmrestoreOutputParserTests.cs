using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class QmrestoreOutputParserTests
{
    // The qmrestore output of shared/pve-cli-reference.md, line for line.
    private const string SuccessfulRun =
        """
        restore vma archive: zstd -q -d -c /var/lib/vz/dump/vzdump-qemu-500-2023_09_05-15_29_11.vma.zst | vma extract -v -r /var/tmp/vzdumptmp177197.fifo - /var/tmp/vzdumptmp177197
        CFG: size: 458 name: qemu-server.conf
        DEV: dev_id=1 size: 17179869184 devname: drive-scsi0
        CTIME: Tue Sep  5 15:29:21 2023
        new volume ID is 'local-lvm:vm-500-disk-0'
        map 'drive-scsi0' to '/dev/pve/vm-500-disk-0' (write zeros = 0)
        progress 1% (read 171835392 bytes, duration 1 sec)
        progress 100% (read 17179869184 bytes, duration 20 sec)
        total bytes read 17179869184, sparse bytes 12563259392 (73.1%)
        space reduction due to 4K zero blocks 2.95%
        rescan volumes...
        """;

    private static QmrestoreOutputParser Feed(string output)
    {
        var parser = new QmrestoreOutputParser();
        foreach (var line in output.Split('\n'))
        {
            parser.Read(line);
        }
        return parser;
    }

    [Fact]
    public void Finish_ReferenceSuccess_Succeeds()
    {
        var parser = Feed(SuccessfulRun);

        var result = parser.Finish(0, "");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(17179869184, result.BytesRead);
        Assert.Equal(12563259392, result.SparseBytes);
        Assert.Equal(["local-lvm:vm-500-disk-0"], result.NewVolumes);
        Assert.Equal(QmrestoreFailureKind.None, result.FailureKind);
        Assert.Null(result.FailureReason);
        Assert.Empty(parser.UnrecognizedLines);
    }

    [Fact]
    public void Read_ReferenceLines_AreClassified()
    {
        var parser = new QmrestoreOutputParser();

        var kinds = SuccessfulRun.Split('\n').Select(parser.Read).ToList();

        Assert.Equal(
        [
            QmrestoreLineKind.Info, QmrestoreLineKind.Info, QmrestoreLineKind.Device, QmrestoreLineKind.Info,
            QmrestoreLineKind.NewVolume, QmrestoreLineKind.Info, QmrestoreLineKind.Progress, QmrestoreLineKind.Progress,
            QmrestoreLineKind.TotalRead, QmrestoreLineKind.Info, QmrestoreLineKind.Info,
        ], kinds);
    }

    [Fact]
    public void Read_Progress_UsesDeviceSizesAsTotal()
    {
        var parser = new QmrestoreOutputParser();
        parser.Read("DEV: dev_id=1 size: 17179869184 devname: drive-scsi0");
        parser.Read("DEV: dev_id=2 size: 1073741824 devname: drive-scsi1");

        Assert.Equal(QmrestoreLineKind.Progress, parser.Read("progress 1% (read 182536110 bytes, duration 1 sec)"));

        Assert.Equal(new OperationProgress(1, 182536110, 18253611008), parser.Progress);
    }

    [Fact]
    public void Read_ProgressBeforeAnyDevice_HasNoTotal()
    {
        var parser = new QmrestoreOutputParser();

        parser.Read("progress 42% (read 1000 bytes, duration 3 sec)");

        Assert.Equal(new OperationProgress(42, 1000, null), parser.Progress);
    }

    [Fact]
    public void Finish_TargetExists_FailsBeforeAnything()
    {
        var result = new QmrestoreOutputParser().Finish(255, "unable to restore VM 500 - VM 500 already exists on node 'pve-dr1'\n");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(QmrestoreFailureKind.TargetExists, result.FailureKind);
        Assert.Equal("unable to restore VM 500 - VM 500 already exists on node 'pve-dr1'", result.FailureReason);
    }

    [Fact]
    public void Finish_MissingArchive_Fails()
    {
        var result = new QmrestoreOutputParser().Finish(2, "can't find file '/var/lib/vz/dump/vzdump-qemu-500-2023_09_05-15_29_11.vma.zst'\n");

        Assert.Equal(QmrestoreFailureKind.ArchiveNotFound, result.FailureKind);
        Assert.Equal("can't find file '/var/lib/vz/dump/vzdump-qemu-500-2023_09_05-15_29_11.vma.zst'", result.FailureReason);
    }

    [Theory]
    [InlineData("unable to restore VM 500 - vm is running", QmrestoreFailureKind.VmRunning)]
    [InlineData("unable to restore VM 500 - protection mode enabled", QmrestoreFailureKind.ProtectionEnabled)]
    [InlineData("unable to restore VM 500 - VM is locked (backup)", QmrestoreFailureKind.RestoreFailed)]
    public void Finish_ErrorInsideTask_FailsWithKind(string stderr, QmrestoreFailureKind kind)
    {
        var result = new QmrestoreOutputParser().Finish(255, stderr + "\n");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(kind, result.FailureKind);
        Assert.Equal(stderr, result.FailureReason);
    }

    [Fact]
    public void Finish_FailureMessageOnStdout_IsFoundToo()
    {
        var parser = new QmrestoreOutputParser();

        Assert.Equal(QmrestoreLineKind.Failure, parser.Read("unable to restore VM 500 - vm is running"));

        Assert.Equal(QmrestoreFailureKind.VmRunning, parser.Finish(255, "").FailureKind);
    }

    [Fact]
    public void Finish_KnownFailureEvenWithExitZero_Fails()
    {
        var parser = Feed(SuccessfulRun);

        var result = parser.Finish(0, "unable to restore VM 500 - protection mode enabled");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(QmrestoreFailureKind.ProtectionEnabled, result.FailureKind);
    }

    [Fact]
    public void Finish_ExtractCutMidway_FailsWithStderrMessage()
    {
        var cut = string.Join('\n', SuccessfulRun.Split('\n').Take(7));
        var parser = Feed(cut);
        const string stderr = "command 'set -o pipefail && zstd -q -d -c /var/lib/vz/dump/x.vma.zst | vma extract -v -r /var/tmp/f - /var/tmp/d' failed: exit code 133\n";

        var result = parser.Finish(255, stderr);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(QmrestoreFailureKind.RestoreFailed, result.FailureKind);
        Assert.StartsWith("command 'set -o pipefail", result.FailureReason, StringComparison.Ordinal);
        Assert.Equal(1, parser.Progress!.Percent);
    }

    [Fact]
    public void Finish_ExitZeroWithoutOutput_IsNotSuccess()
    {
        var result = new QmrestoreOutputParser().Finish(0, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(QmrestoreFailureKind.Incomplete, result.FailureKind);
        Assert.Contains("total bytes read", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_ExitZeroBeforeTotalRead_IsNotSuccess()
    {
        var cut = string.Join('\n', SuccessfulRun.Split('\n').Take(8));

        var result = Feed(cut).Finish(0, "");

        Assert.Equal(QmrestoreFailureKind.Incomplete, result.FailureKind);
    }

    [Fact]
    public void Finish_NonZeroExitWithoutMessage_SaysSo()
    {
        var result = new QmrestoreOutputParser().Finish(255, "");

        Assert.Equal(QmrestoreFailureKind.Incomplete, result.FailureKind);
        Assert.Equal("qmrestore exited with status 255 without a final line.", result.FailureReason);
    }

    [Fact]
    public void Finish_ReadAllButNonZeroExit_Fails()
    {
        var result = Feed(SuccessfulRun).Finish(255, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal("qmrestore read the archive but exited with status 255.", result.FailureReason);
    }

    [Fact]
    public void Finish_WarningsInOutputAndTask_SucceedsWithWarnings()
    {
        var output = SuccessfulRun.Replace("rescan volumes...",
            "  WARNING: Sum of all thin volume sizes (64.00 GiB) exceeds the size of thin pool pve/data (32.00 GiB).\nrescan volumes...",
            StringComparison.Ordinal);
        var parser = Feed(output);

        var result = parser.Finish(0, "Task finished with 1 warning(s)!\n");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, result.Outcome);
        Assert.Equal(1, result.WarningCount);
        Assert.StartsWith("Sum of all thin volume sizes", result.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_TaskWarningsOnlyOnStderr_SucceedsWithWarnings()
    {
        var result = Feed(SuccessfulRun).Finish(0, "Task finished with 2 warning(s)!");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, result.Outcome);
        Assert.Equal(2, result.WarningCount);
    }

    [Fact]
    public void Finish_UnknownLines_AreToleratedAndKept()
    {
        var output = SuccessfulRun.Replace("CTIME:", "some new vma diagnostics\nCTIME:", StringComparison.Ordinal);
        var parser = Feed(output);

        var result = parser.Finish(0, "");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["some new vma diagnostics"], parser.UnrecognizedLines);
    }

    [Theory]
    [InlineData("progress 1% (read lots bytes, duration 1 sec)")]
    [InlineData("progress 1%")]
    [InlineData("total bytes read many")]
    [InlineData("DEV: dev_id=1 size: 99999999999999999999999 devname: drive-scsi0")]
    public void Read_MalformedKnownLines_AreUnrecognized(string line)
    {
        var parser = new QmrestoreOutputParser();

        Assert.Equal(QmrestoreLineKind.Unrecognized, parser.Read(line));
        Assert.Null(parser.Progress);
        Assert.Null(parser.BytesRead);
    }

    // A restore that fails inside the task, as the reference's addendum describes it: the header lines, then the
    // warning, the freed volumes and only then the error. Which stream carries which line is not stable.
    private const string HeaderLines =
        """
        restore vma archive: zstd -q -d -c /var/lib/vz/dump/vzdump-qemu-500-2023_09_05-15_29_11.vma.zst | vma extract -v -r /var/tmp/vzdumptmp177197.fifo - /var/tmp/vzdumptmp177197
        CFG: size: 458 name: qemu-server.conf
        DEV: dev_id=1 size: 17179869184 devname: drive-scsi0
        CTIME: Tue Sep  5 15:29:21 2023
        """;

    private const string NotCleanedUp =
        "error before or during data restore, some or all disks were not completely restored. VM 500 state is NOT cleaned up.";

    [Fact]
    public void Finish_StorageMissingInsideTheTask_ReasonIsTheErrorNotTheFirstStderrLine()
    {
        var parser = Feed(HeaderLines);
        var stderr = $"temporary volume 'local-lvm:vm-500-disk-0' successfully removed\n{NotCleanedUp}\nunable to restore VM 500 - storage 'fast' does not exist\n";

        var result = parser.Finish(255, stderr);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(QmrestoreFailureKind.StorageUnavailable, result.FailureKind);
        Assert.Equal("unable to restore VM 500 - storage 'fast' does not exist", result.FailureReason);
        Assert.True(result.StateNotCleanedUp);
        Assert.Equal(["local-lvm:vm-500-disk-0"], parser.RemovedVolumes);
        Assert.Empty(parser.UnrecognizedLines);
    }

    [Fact]
    public void Finish_EverythingOnStdout_FindsTheSameReason()
    {
        var parser = Feed(HeaderLines + $"\n{NotCleanedUp}\nstorage 'fast' does not exist\n");

        var result = parser.Finish(255, "");

        Assert.Equal(QmrestoreFailureKind.StorageUnavailable, result.FailureKind);
        Assert.Equal("storage 'fast' does not exist", result.FailureReason);
        Assert.True(result.StateNotCleanedUp);
    }

    [Fact]
    public void Read_CleanupNotices_AreNotFailures()
    {
        var parser = new QmrestoreOutputParser();

        Assert.Equal(QmrestoreLineKind.StateNotCleanedUp, parser.Read(NotCleanedUp));
        Assert.Equal(QmrestoreLineKind.StateNotCleanedUp, parser.Read(
            "error after data was restored, VM disks should be OK but config may require adaptions. VM 500 state is NOT cleaned up."));
        Assert.Equal(QmrestoreLineKind.Info, parser.Read("temporary volume 'local:500/vm-500-disk-0.raw' successfully removed"));
        Assert.Equal(QmrestoreLineKind.Info, parser.Read("applying read rate limit: 10240"));
        Assert.Equal(QmrestoreLineKind.Info, parser.Read("rate limit for storage local: 10240 KiB/s"));
    }

    [Fact]
    public void Finish_VmaWriteError_KeepsTheDetailBesideTheFinalError()
    {
        var parser = Feed(HeaderLines + "\nprogress 3% (read 515396075 bytes, duration 4 sec)\n** (vma:24833): ERROR **: 15:02:11.291: restore failed - No space left on device\n");
        var stderr = $"{NotCleanedUp}\ntemporary volume 'local:500/vm-500-disk-0.raw' successfully removed\n" +
            "unable to restore VM 500 - command 'set -o pipefail && zstd -q -d -c /var/lib/vz/dump/x.vma.zst | vma extract -v -r /var/tmp/f - /var/tmp/d' failed: exit code 133\n";

        var result = parser.Finish(255, stderr);

        Assert.Equal(QmrestoreFailureKind.OutOfSpace, result.FailureKind);
        Assert.StartsWith("unable to restore VM 500 - command 'set -o pipefail", result.FailureReason, StringComparison.Ordinal);
        Assert.EndsWith("(vma: restore failed - No space left on device)", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_NotEnoughFreeSpaceOnLvm_IsOutOfSpace()
    {
        var result = Feed(HeaderLines).Finish(255, $"{NotCleanedUp}\nunable to restore VM 500 - not enough free space (1024 < 17179869184)\n");

        Assert.Equal(QmrestoreFailureKind.OutOfSpace, result.FailureKind);
        Assert.Equal("unable to restore VM 500 - not enough free space (1024 < 17179869184)", result.FailureReason);
    }

    [Fact]
    public void Finish_ContentTypeMissing_IsStorageUnavailable()
    {
        var result = Feed(HeaderLines).Finish(255, "unable to restore VM 500 - Content type 'images' is not available on storage 'local'\n");

        Assert.Equal(QmrestoreFailureKind.StorageUnavailable, result.FailureKind);
    }

    [Fact]
    public void Finish_UnknownLinesAroundTheError_AreKeptButDoNotBecomeTheReason()
    {
        var parser = Feed(HeaderLines + "\nsome new diagnostics line\n");

        var result = parser.Finish(255, "another unknown line\nunable to restore VM 500 - VM is locked (backup)\nyet another unknown line\n");

        Assert.Equal("unable to restore VM 500 - VM is locked (backup)", result.FailureReason);
        Assert.Equal(["some new diagnostics line", "another unknown line", "yet another unknown line"], parser.UnrecognizedLines);
    }

    [Fact]
    public void Finish_ParameterErrorBlock_NamesTheParameter()
    {
        var result = new QmrestoreOutputParser().Finish(255,
            "400 Parameter verification failed.\nvmid: value must have a minimum value of 100\n\nqmrestore <archive> <vmid> [OPTIONS]\n");

        Assert.Equal(QmrestoreFailureKind.RestoreFailed, result.FailureKind);
        Assert.Equal("400 Parameter verification failed. vmid: value must have a minimum value of 100", result.FailureReason);
    }

    [Fact]
    public void Finish_TaskWarningsLineOnStdout_CountsToo()
    {
        var parser = Feed(SuccessfulRun + "\nTask finished with 1 warning(s)!\n");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, parser.Finish(0, "").Outcome);
    }
}
