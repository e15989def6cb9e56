using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using DrPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace DrPortal.Tests.Integration;

/// <summary>
/// A database that holds round-one rows (hosts, pairs, archives, tasks, schedules, as the portal wrote them before the
/// neutral seam) is upgraded without loss: VMIDs become VM references, vzdump options become the pair's option map,
/// an archive becomes a restore point whose manifest holds its archive and its log, each with its checksum.
/// </summary>
public sealed class NeutralSeamMigrationTests : IAsyncLifetime
{
    private const string RoundOne = "20261202044857_StageHostProcess";
    private string _connectionString = "";
    private string _data = "";

    public async Task InitializeAsync()
    {
        _connectionString = await TestEnvironment.CreateDatabaseAsync();
        _data = TestEnvironment.CreateTempDirectory("seam-migration");
    }

    public async Task DisposeAsync()
    {
        await TestEnvironment.DropDatabaseAsync(_connectionString);
        Directory.Delete(_data, recursive: true);
    }

    private DrPortalDbContext Context()
    {
        var options = new DbContextOptionsBuilder<DrPortalDbContext>();
        Database.Configure(options, _connectionString);
        return new DrPortalDbContext(options.Options);
    }

    [Fact]
    public async Task Migrate_RoundOneRows_CarryOnWithoutLoss()
    {
        // Arrange: the schema of round one, and rows as round one wrote them.
        await using (var db = Context())
        {
            await db.GetService<IMigrator>().MigrateAsync(RoundOne);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO hypervisors (Id, Name, Address, SshPort, Kind, Site, SshUser, DumpDirectory, RestoreStorage, CreatedAt, UpdatedAt) VALUES
                  (1, 'pve-dc1', '10.250.0.11', 22, 'Proxmox', 'Primary', 'root', '/var/lib/vz/dump', NULL, '2026-11-20', '2026-11-20'),
                  (2, 'pve-dr1', '10.250.0.21', 22, 'Proxmox', 'Recovery', 'root', '/srv/dump', 'local-lvm', '2026-11-20', '2026-11-20');
                INSERT INTO vm_pairs (Id, SourceHypervisorId, SourceVmId, TargetHypervisorId, TargetVmId, OverwriteExistingTarget, Compression, BackupMode,
                                      ReplicaStart, ReplicaIdentity, KeepLast, CreatedAt, UpdatedAt) VALUES
                  (1, 1, 100, 2, 9100, 0, 'Zstd', 'Stop', 'LinksDown', 'vmgenid-1', 3, '2026-11-20', '2026-11-20'),
                  (2, 1, 101, 2, 9101, 1, 'Lzo', 'Snapshot', 'Off', NULL, 0, '2026-11-20', '2026-11-20');
                INSERT INTO archives (Id, VmPairId, SourceHypervisorId, SourceHypervisorName, SourceVmId, FileName, LogFileName, SizeBytes, Sha256,
                                      CreatedAt, OnPrimary, InRepository, OnRecovery, IsProtected) VALUES
                  (1, 1, 1, 'pve-dc1', 100, 'vzdump-qemu-100-2026_11_21-01_00_00.vma.zst', 'vzdump-qemu-100-2026_11_21-01_00_00.log', 1000,
                   'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-21 01:00:00', 0, 1, 1, 1),
                  (2, 1, 1, 'pve-dc1', 100, 'vzdump-qemu-100-2026_11_22-01_00_00.vma.zst', 'vzdump-qemu-100-2026_11_22-01_00_00.log', 0, NULL,
                   '2026-11-22 01:00:00', 1, 0, 0, 0);
                INSERT INTO tasks (Id, Kind, VmPairId, PairLabel, Status, Percent, BytesDone, RequestedBy, CreatedAt, WarningCount, CancelRequested, Attempts,
                                   ArchiveId, SourceArchivePath) VALUES
                  (1, 'Replicate', 1, 'pve-dc1/100 → pve-dr1/9100', 'Succeeded', 100, 1000, 'alice', '2026-11-21 01:00:00', 0, 0, 1, 1,
                   '/var/lib/vz/dump/vzdump-qemu-100-2026_11_21-01_00_00.vma.zst');
                INSERT INTO schedules (Id, VmPairId, Kind, Timing, TimeZone, Enabled, KeepLast, KeepDaily, KeepWeekly, KeepMonthly, CreatedAt, UpdatedAt) VALUES
                  (1, 1, 'Replicate', 'Daily', 'UTC', 1, 7, 0, 0, 0, '2026-11-20', '2026-11-20');
                """);
        }
        // The first archive's repository copy is there, with its log, as round one pulled them.
        var folder = Path.Combine(_data, "repository", "pve-dc1", "100");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "vzdump-qemu-100-2026_11_21-01_00_00.log"), "INFO: Backup job finished successfully\n");

        // Act: the new schema, then the start-up backfill of the logs' checksums.
        await using (var db = Context())
        {
            await db.Database.MigrateAsync();
        }
        var repository = new ArchiveRepository(Options.Create(new Infrastructure.DrPortalOptions { DataDirectory = _data }));
        await new ManifestBackfill(new ContextFactory(Context), repository).RunAsync(CancellationToken.None);

        // Assert
        await using var check = Context();
        var hosts = await check.Hypervisors.OrderBy(h => h.Id).ToListAsync();
        Assert.Equal(["/var/lib/vz/dump", "/srv/dump"], hosts.Select(h => h.StagingDirectory));
        Assert.Equal("local-lvm", hosts[1].RestoreStorage);

        var pairs = await check.VmPairs.OrderBy(p => p.Id).ToListAsync();
        Assert.Equal([("100", "9100"), ("101", "9101")], pairs.Select(p => (p.SourceVm, p.TargetVm)));
        Assert.Equal(new Dictionary<string, string> { ["compress"] = "zstd", ["mode"] = "stop" }, pairs[0].BackupOptions);
        Assert.Equal(new Dictionary<string, string> { ["compress"] = "lzo", ["mode"] = "snapshot" }, pairs[1].BackupOptions);
        Assert.Equal("vmgenid-1", pairs[0].ReplicaIdentity);
        Assert.Equal(3, pairs[0].KeepLast);

        var archives = await check.Archives.Include(a => a.Files).OrderBy(a => a.Id).ToListAsync();
        var verified = archives[0];
        Assert.Equal(("100", "vzdump-qemu-100-2026_11_21-01_00_00.vma.zst", true), (verified.SourceVm, verified.Label, verified.IsProtected));
        var archiveFile = Assert.Single(verified.Files, f => f.Role == "archive");
        Assert.Equal(("vzdump-qemu-100-2026_11_21-01_00_00.vma.zst", 1000L, new string('a', 64)), (archiveFile.Name, archiveFile.SizeBytes, archiveFile.Sha256));
        var log = Assert.Single(verified.Files, f => f.Role == "log");
        Assert.Equal(await repository.Sha256Async(Path.Combine(folder, log.Name), CancellationToken.None), log.Sha256);
        Assert.True(verified.IsVerified);
        Assert.Equal(1000 + log.SizeBytes, verified.SizeBytes);
        // Never pulled: still incomplete, and a log that never reached the repository leaves its manifest.
        Assert.False(archives[1].IsVerified);
        Assert.Equal(["archive"], archives[1].Files.Select(f => f.Role));

        var task = await check.Tasks.SingleAsync();
        Assert.Equal((1L, "alice"), (task.ArchiveId!.Value, task.RequestedBy));
        var schedule = await check.Schedules.SingleAsync();
        Assert.Equal((1, 7), (schedule.VmPairId, schedule.KeepLast));
    }

    private sealed class ContextFactory(Func<DrPortalDbContext> create) : IDbContextFactory<DrPortalDbContext>
    {
        public DrPortalDbContext CreateDbContext() => create();
    }
}
