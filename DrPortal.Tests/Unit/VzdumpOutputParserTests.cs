using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class VzdumpOutputParserTests
{
    private const string ArchivePath = "/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst";

    // The successful single-VM run of shared/pve-cli-reference.md, line for line.
    private const string SuccessfulRun =
        """
        INFO: starting new backup job: vzdump 100 --compress zstd --mode snapshot --storage local
        INFO: Starting Backup of VM 100 (qemu)
        INFO: Backup started at 2024-01-31 14:05:09
        INFO: status = running
        INFO: VM Name: web01
        INFO: include disk 'scsi0' 'local-lvm:vm-100-disk-0' 32G
        INFO: backup mode: snapshot
        INFO: ionice priority: 7
        INFO: creating vzdump archive '/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst'
        INFO: started backup task '6f3d...-uuid'
        INFO:  10% (3.2 GiB of 32.0 GiB) in 3s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO: 100% (32.0 GiB of 32.0 GiB) in 30s, read: 1.1 GiB/s, write: 1.0 GiB/s
        INFO: backup is sparse: 30.78 GiB (96%) total zero data
        INFO: transferred 32.00 GiB in 30 seconds (1.07 GiB/s)
        INFO: archive file size: 532MB
        INFO: Finished Backup of VM 100 (00:00:31)
        INFO: Backup finished at 2024-01-31 14:05:40
        INFO: Backup job finished successfully
        """;

    private const string MissingVmRun =
        """
        INFO: starting new backup job: vzdump 999 --mode snapshot --dumpdir /var/lib/vz/dump --compress zstd
        ERROR: Backup of VM 999 failed - unable to find VM '999'
        INFO: Failed at 2024-01-31 14:05:09
        INFO: Backup job finished with errors
        """;

    private static VzdumpOutputParser Feed(string output, BackupCompression compression = BackupCompression.Zstd)
    {
        var parser = new VzdumpOutputParser(compression);
        foreach (var line in output.Split('\n'))
        {
            parser.Read(line);
        }
        return parser;
    }

    [Fact]
    public void Finish_ReferenceSuccess_SucceedsWithArchiveAndSizes()
    {
        var parser = Feed(SuccessfulRun);

        var result = parser.Finish(0, "");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(ArchivePath, result.ArchivePath);
        Assert.Equal(100, result.Archive!.VmId.Value);
        Assert.Equal(532L * 1024 * 1024, result.ReportedArchiveSizeBytes);
        Assert.Equal(TimeSpan.FromSeconds(31), result.Duration);
        Assert.Equal(0, result.WarningCount);
        Assert.Equal(VzdumpFailureKind.None, result.FailureKind);
        Assert.Null(result.FailureReason);
        Assert.Empty(parser.UnrecognizedLines);
        Assert.Equal(32L << 30, parser.TransferredBytes);
    }

    [Fact]
    public void Read_ReferenceLines_AreClassified()
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);

        var kinds = SuccessfulRun.Split('\n').Select(parser.Read).ToList();

        Assert.Equal(
        [
            VzdumpLineKind.Info, VzdumpLineKind.Info, VzdumpLineKind.Info, VzdumpLineKind.Info, VzdumpLineKind.Info,
            VzdumpLineKind.Info, VzdumpLineKind.Info, VzdumpLineKind.Info, VzdumpLineKind.ArchiveCreating, VzdumpLineKind.Info,
            VzdumpLineKind.Progress, VzdumpLineKind.Progress, VzdumpLineKind.Info, VzdumpLineKind.TransferSummary,
            VzdumpLineKind.ArchiveSize, VzdumpLineKind.GuestFinished, VzdumpLineKind.Info, VzdumpLineKind.JobSucceeded,
        ], kinds);
    }

    [Fact]
    public void Read_ProgressLine_GivesPercentAndBytes()
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);

        var kind = parser.Read("INFO:  10% (3.2 GiB of 32.0 GiB) in 3s, read: 1.1 GiB/s, write: 1.0 GiB/s");

        Assert.Equal(VzdumpLineKind.Progress, kind);
        Assert.Equal(new OperationProgress(10, 3435973837, 34359738368), parser.Progress);
    }

    [Theory]
    [InlineData("INFO:   0% (0 B of 256.0 MiB) in 0s, read: 0 B/s, write: 0 B/s", 0, 0L, 268435456L)]
    [InlineData("INFO:   5% (12.8 MiB of 256.0 MiB) in 1m 5s, read: 123.4 MiB/s, write: 0 B/s", 5, 13421773L, 268435456L)]
    [InlineData("INFO:  51% (512.0 KiB of 1000.0 KiB) in 2s, read: 256.0 KiB/s, write: 256.0 KiB/s", 51, 524288L, 1024000L)]
    [InlineData("INFO:  99% (1.9 TiB of 2.0 TiB) in 1h 2m 3s, read: 1.0 GiB/s, write: 1.0 GiB/s", 99, 2089072092774L, 2199023255552L)]
    [InlineData("INFO: 100% (32.0 GiB of 32.0 GiB) in 30s", 100, 34359738368L, 34359738368L)]
    public void Read_ProgressUnits_AreBinary(string line, int percent, long done, long total)
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);

        Assert.Equal(VzdumpLineKind.Progress, parser.Read(line));

        Assert.Equal(new OperationProgress(percent, done, total), parser.Progress);
    }

    [Theory]
    [InlineData("12KB", 12L * 1024)]
    [InlineData("532MB", 532L * 1024 * 1024)]
    [InlineData("1.50GB", 1610612736L)]
    [InlineData("2.25TB", 2473901162496L)]
    public void Read_ArchiveFileSize_ReadsEveryUnit(string size, long bytes)
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);

        Assert.Equal(VzdumpLineKind.ArchiveSize, parser.Read($"INFO: archive file size: {size}"));

        Assert.Equal(bytes, parser.ReportedArchiveSizeBytes);
    }

    [Theory]
    [InlineData(BackupCompression.Zstd, "vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData(BackupCompression.Lzo, "vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", "vzdump-qemu-100-2024_01_31-14_05_09.vma.lzo")]
    [InlineData(BackupCompression.Gzip, "vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", "vzdump-qemu-100-2024_01_31-14_05_09.vma.gz")]
    [InlineData(BackupCompression.None, "vzdump-qemu-100-2024_01_31-14_05_09.dat", "vzdump-qemu-100-2024_01_31-14_05_09.vma")]
    [InlineData(BackupCompression.Zstd, "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    public void Read_ArchiveLine_GivesFinalName(BackupCompression compression, string written, string final)
    {
        var parser = new VzdumpOutputParser(compression);

        parser.Read($"INFO: creating vzdump archive '/var/lib/vz/dump/{written}'");

        Assert.Equal($"/var/lib/vz/dump/{final}", parser.ArchivePath);
    }

    [Fact]
    public void Finish_InProgressNameInOutput_ReportsFinalArchive()
    {
        var parser = Feed(SuccessfulRun.Replace(".vma.zst'", ".vma.dat'", StringComparison.Ordinal));

        var result = parser.Finish(0, "");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(ArchivePath, result.ArchivePath);
        Assert.Equal(ArchiveCompression.Zstd, result.Archive!.Compression);
    }

    [Fact]
    public void Finish_UnknownInfoLines_AreToleratedAndKept()
    {
        var output = SuccessfulRun
            .Replace("INFO: backup mode: snapshot", "INFO: backup mode: snapshot\nINFO: some future detail: 42\nhook: pre-backup ok", StringComparison.Ordinal);
        var parser = Feed(output);

        var result = parser.Finish(0, "");

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["INFO: some future detail: 42", "hook: pre-backup ok"], parser.UnrecognizedLines);
    }

    [Fact]
    public void Finish_OptionalReferenceLines_AreKnown()
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);
        string[] optional =
        [
            "INFO: bandwidth limit: 10240 KiB/s", "INFO: resuming VM again", "INFO: starting kvm to execute backup task",
            "INFO: prune older backups with retention: keep-last=3", "INFO: pruned 2 backup(s)",
        ];

        Assert.All(optional, line => Assert.Equal(VzdumpLineKind.Info, parser.Read(line)));
        Assert.Empty(parser.UnrecognizedLines);
    }

    [Fact]
    public void Finish_WarnLinesAndTaskWarnings_SucceedsWithWarnings()
    {
        var output = SuccessfulRun.Replace("INFO: backup mode: snapshot",
            "INFO: backup mode: snapshot\nWARN: no efidisk configured! Using temporary efivars disk.\nWARN: guest-agent fs-freeze timed out",
            StringComparison.Ordinal);
        var parser = Feed(output);

        var result = parser.Finish(0, "Task finished with 2 warning(s)!\n");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(2, result.WarningCount);
        Assert.Equal("guest-agent fs-freeze timed out", result.Warnings[1]);
        Assert.Equal(ArchivePath, result.ArchivePath);
    }

    [Fact]
    public void Finish_TaskWarningsOnStderrOnly_SucceedsWithWarnings()
    {
        var result = Feed(SuccessfulRun).Finish(0, "Task finished with 3 warning(s)!");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, result.Outcome);
        Assert.Equal(3, result.WarningCount);
    }

    [Fact]
    public void Finish_StrayErrorLineButSuccess_IsAWarningNotLost()
    {
        var output = SuccessfulRun.Replace("INFO: Backup finished at", "ERROR: hook script notify failed\nINFO: Backup finished at", StringComparison.Ordinal);

        var result = Feed(output).Finish(0, "");

        Assert.Equal(OperationOutcome.SucceededWithWarnings, result.Outcome);
        Assert.Contains("ERROR: hook script notify failed", result.Warnings);
    }

    [Fact]
    public void Finish_NonexistentVm_FailsWithToolsWords()
    {
        var result = Feed(MissingVmRun).Finish(255, "job errors\n");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Equal(VzdumpFailureKind.VmNotFound, result.FailureKind);
        Assert.Equal("Backup failed: unable to find VM '999'", result.FailureReason);
        Assert.Null(result.ArchivePath);
    }

    [Fact]
    public void Finish_GuestFailureAfterArchiveStarted_FailsWithError()
    {
        var output = string.Join('\n', SuccessfulRun.Split('\n').Take(11)) +
            "\nERROR: Backup of VM 100 failed - vma_queue_write: write error - No space left on device" +
            "\nINFO: Failed at 2024-01-31 14:05:20\nINFO: Backup job finished with errors";
        var parser = Feed(output);

        var result = parser.Finish(255, "job errors");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(VzdumpFailureKind.GuestFailed, result.FailureKind);
        Assert.Equal("Backup failed: vma_queue_write: write error - No space left on device", result.FailureReason);
        // The path is still reported, so the partial file can be cleaned up.
        Assert.Equal(ArchivePath, result.ArchivePath);
        Assert.Equal(10, parser.Progress!.Percent);
    }

    [Fact]
    public void Finish_StrangeVmId_FailsAsInvalidVmId()
    {
        var parser = Feed("INFO: starting new backup job: vzdump abc --mode snapshot\nERROR: strange VM ID 'abc'");

        var result = parser.Finish(255, "");

        Assert.Equal(VzdumpFailureKind.InvalidVmId, result.FailureKind);
        Assert.Contains("'abc'", result.FailureReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dumpdir '/srv/nope' does not exist\n", "dumpdir '/srv/nope' does not exist")]
    [InlineData("cannot use options 'storage' and 'dumpdir' at the same time\n", "cannot use options 'storage' and 'dumpdir' at the same time")]
    [InlineData("cannot use options 'storage' and 'stdout' at the same time", "cannot use options 'storage' and 'stdout' at the same time")]
    [InlineData("you can only backup a single VM with option --stdout\n", "you can only backup a single VM with option --stdout")]
    [InlineData("400 Parameter verification failed.\ncompress: value 'xz' does not have a value in the enumeration '0, 1, gzip, lzo, zstd'\nvzdump help [<extra-args>] [OPTIONS]\n",
        "400 Parameter verification failed. compress: value 'xz' does not have a value in the enumeration '0, 1, gzip, lzo, zstd'")]
    public void Finish_ParameterErrorOnStderr_FailsWithThatMessage(string stderr, string reason)
    {
        var result = new VzdumpOutputParser(BackupCompression.Zstd).Finish(255, stderr);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(VzdumpFailureKind.CommandRefused, result.FailureKind);
        Assert.Equal(reason, result.FailureReason);
    }

    [Fact]
    public void Finish_ExitZeroWithoutOutput_IsNotSuccess()
    {
        var result = new VzdumpOutputParser(BackupCompression.Zstd).Finish(0, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(VzdumpFailureKind.NoFinalLine, result.FailureKind);
        Assert.Contains("Backup job finished successfully", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_OutputCutBeforeFinalLine_Fails()
    {
        var cut = string.Join('\n', SuccessfulRun.Split('\n').Take(12));

        var result = Feed(cut).Finish(255, "");

        Assert.Equal(VzdumpFailureKind.NoFinalLine, result.FailureKind);
        Assert.Equal("vzdump exited with status 255 without a final line.", result.FailureReason);
    }

    [Fact]
    public void Finish_ExitZeroButOutputCut_Fails()
    {
        var cut = string.Join('\n', SuccessfulRun.Split('\n').Take(16));

        var result = Feed(cut).Finish(0, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(VzdumpFailureKind.NoFinalLine, result.FailureKind);
    }

    [Fact]
    public void Finish_SuccessLineWithoutArchive_Fails()
    {
        var result = Feed("INFO: Backup job finished successfully").Finish(0, "");

        Assert.Equal(VzdumpFailureKind.NoArchive, result.FailureKind);
        Assert.Equal("vzdump reported success but named no archive.", result.FailureReason);
    }

    [Fact]
    public void Finish_SuccessLineButNonZeroExit_Fails()
    {
        var result = Feed(SuccessfulRun).Finish(1, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Contains("exited with status 1", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_JobFinishedWithErrorsWithoutErrorLine_Fails()
    {
        var result = Feed("INFO: Backup job finished with errors").Finish(255, "");

        Assert.Equal(VzdumpFailureKind.Error, result.FailureKind);
        Assert.Equal("Backup job finished with errors (exit 255).", result.FailureReason);
    }

    [Fact]
    public void Finish_OtherErrorLine_IsTheReason()
    {
        var result = Feed("ERROR: Backup of VM 100 skipped\nINFO: Backup job finished with errors").Finish(255, "job errors");

        Assert.Equal(VzdumpFailureKind.Error, result.FailureKind);
        Assert.Equal("Backup of VM 100 skipped", result.FailureReason);
    }

    [Theory]
    [InlineData("/var/lib/vz/dump/../../etc/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData("/var/lib/vz/my dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst'; rm -rf /; '")]
    [InlineData("relative/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData("/var/lib/vz/dump/backup.tar")]
    public void Finish_SuccessWithUnsafeArchivePath_Fails(string path)
    {
        var output = SuccessfulRun.Replace($"'{ArchivePath}'", $"'{path}'", StringComparison.Ordinal);

        var result = Feed(output).Finish(0, "");

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal(VzdumpFailureKind.NoArchive, result.FailureKind);
        Assert.Null(result.Archive);
    }

    [Fact]
    public void Read_CarriageReturnsAndTrailingSpaces_AreIgnored()
    {
        var parser = new VzdumpOutputParser(BackupCompression.Zstd);

        Assert.Equal(VzdumpLineKind.JobSucceeded, parser.Read("INFO: Backup job finished successfully \r"));
        Assert.Equal(VzdumpLineKind.Unrecognized, parser.Read(""));
        Assert.Empty(parser.UnrecognizedLines);
    }

    [Fact]
    public void Read_Null_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new VzdumpOutputParser(BackupCompression.Zstd).Read(null!));
}
