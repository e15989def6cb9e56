using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Jobs;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Schedules;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>Retention applied to the repository (real files, real MariaDB) and to both hosts (removals recorded).</summary>
[Collection(ScheduleCollection.Name)]
public class ScheduleRetentionApplyTests : IClassFixture<ScheduleTriggerTests.Portal>
{
    private readonly ScheduleTriggerTests.Portal _portal;

    public ScheduleRetentionApplyTests(ScheduleTriggerTests.Portal portal) => _portal = portal;

    private IDbContextFactory<DrPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    private async Task<(HttpClient Admin, VmPairDto Pair, Schedule Schedule, List<Archive> Archives)> ArrangeAsync(string tag, int targetVm, int count)
    {
        var admin = await _portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm);
        var created = await _portal.Services.GetRequiredService<IScheduleStore>().CreateAsync(new ScheduleInput
        {
            VmPairId = pair.Id,
            Timing = ScheduleTiming.Daily,
            DailyAt = "01:00",
            TimeZone = "UTC",
            Retention = new RetentionPolicy(KeepLast: 2),
        }, "tester", CancellationToken.None);
        var archives = Enumerable.Range(0, count).Select(i => new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = primary.Id,
            SourceHypervisorName = primary.Name,
            SourceVm = "100",
            Label = $"vzdump-qemu-100-2026_11_{10 + i}-01_00_00.vma.zst",
            CreatedAt = new DateTimeOffset(2026, 11, 10 + i, 1, 0, 0, TimeSpan.Zero),
            InRepository = true,
            Files = [new ArchiveFile { Name = $"vzdump-qemu-100-2026_11_{10 + i}-01_00_00.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('c', 64) }, new ArchiveFile { Name = $"vzdump-qemu-100-2026_11_{10 + i}-01_00_00.log", Role = "log", SizeBytes = 0, Sha256 = new string('c', 64) is null ? null : new string('f', 64) }],
            OnPrimary = true,
            OnRecovery = true,
        }).ToList();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.Archives.AddRange(archives);
            await db.SaveChangesAsync();
        }
        foreach (var a in archives)
        {
            var path = RepositoryPath(a);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, "archive");
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(path)!, a.Files[1].Name), "log");
        }
        return (admin, pair, created.Value!, archives);
    }

    private string RepositoryPath(Archive a) => Path.Combine(_portal.DataDirectory, "repository", a.RepositoryRelativePath(a.Files[0]));

    private async Task<List<long>> RemainingAsync(int pairId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Archives.Where(a => a.VmPairId == pairId).OrderByDescending(a => a.CreatedAt).Select(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task Apply_KeepsExactlyWhatThePreviewSaid_OnAllThreeCopies()
    {
        var (admin, pair, schedule, archives) = await ArrangeAsync("ret-apply", 9501, 5);
        using var owned = admin;
        var response = await admin.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = pair.Id, policy = new { keepLast = 2 }, timeZone = "UTC" });
        var preview = (await response.Content.ReadFromJsonAsync<RetentionPreviewDto>(Json.Options))!;

        await _portal.Services.GetRequiredService<RetentionApplier>().ApplyAsync(schedule.Id, CancellationToken.None);

        Assert.Equal(preview.Keep.Select(k => k.ArchiveId), await RemainingAsync(pair.Id));
        Assert.Equal(3, preview.Delete.Count);
        var deleted = archives.Where(a => preview.Delete.Any(d => d.ArchiveId == a.Id)).ToList();
        var kept = archives.Except(deleted).ToList();
        Assert.All(deleted, a => Assert.False(File.Exists(RepositoryPath(a)), a.Label));
        Assert.All(kept, a => Assert.True(File.Exists(RepositoryPath(a)), a.Label));
        var removed = _portal.Transport.Removed.ToList();
        Assert.Equal(
            // Every file of each doomed point's manifest goes, on both hosts.
            deleted.SelectMany(a => a.Files.SelectMany(f => new[] { ("ret-apply-dc", $"/var/lib/vz/dump/{f.Name}"), ("ret-apply-dr", $"/var/lib/vz/dump/{f.Name}") })).Order(),
            removed.Where(r => r.Host.StartsWith("ret-apply-", StringComparison.Ordinal)).Order());
    }

    private TaskOutcomes Outcomes => _portal.Services.GetRequiredService<TaskOutcomes>();

    /// <summary>Ends a queued task as the runner would have (the recording queue runs nothing), then what its job does next.</summary>
    private async Task<DrTask> FinishAsSucceededAsync(long taskId)
    {
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var task = await db.Tasks.Include(t => t.Stages).FirstAsync(t => t.Id == taskId);
            task.MarkStarted(_portal.Clock.UtcNow);
            task.Succeed(_portal.Clock.UtcNow);
            await db.SaveChangesAsync();
        }
        return (await Outcomes.FinishAsync(taskId, DrTaskStatus.Running, CancellationToken.None))!;
    }

    [Fact]
    public async Task SucceededScheduledTask_AppliesTheSchedulesPolicy_ButAnArchiveInUseIsKept()
    {
        var (admin, pair, schedule, archives) = await ArrangeAsync("ret-feed", 9502, 4);
        using var owned = admin;
        var tasks = _portal.Services.GetRequiredService<ITaskService>();
        // A queued restore of the oldest archive keeps it, whatever the policy says.
        var restore = await tasks.RequestAsync(pair.Id, DrTaskKind.Restore, archives[0].Id, "alice", CancellationToken.None);
        Assert.True(restore.IsOk, restore.Message);
        var scheduled = (await tasks.RequestScheduledAsync(pair.Id, DrTaskKind.Backup, new ScheduledRequest(schedule.Id, false), CancellationToken.None)).Value!.Task;

        await FinishAsSucceededAsync(scheduled.Id);

        // Keep-last 2 of the schedule, not the pair's keep-last 3.
        Assert.Equal([archives[3].Id, archives[2].Id, archives[0].Id], await RemainingAsync(pair.Id));
    }

    [Fact]
    public async Task SucceededManualBackup_AppliesThePairsPolicy_AndRemovesIncompleteArchives()
    {
        var (admin, pair, _, archives) = await ArrangeAsync("ret-manual", 9503, 5);
        using var owned = admin;
        // The newest archive is a cancelled backup's: never verified, a partial pull left in the repository.
        var incomplete = archives[4];
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var row = await db.Archives.Include(a => a.Files).FirstAsync(a => a.Id == incomplete.Id);
            (row.InRepository, row.Files[0].Sha256, row.SizeBytes, row.OnRecovery) = (false, null, 0, false);
            await db.SaveChangesAsync();
        }
        var repoDir = Path.GetDirectoryName(RepositoryPath(incomplete))!;
        var partial = Path.Combine(repoDir, ".rsync-partial", incomplete.Label);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllTextAsync(partial, "half");
        var tasks = _portal.Services.GetRequiredService<ITaskService>();
        var manual = (await tasks.RequestAsync(pair.Id, DrTaskKind.Backup, null, "alice", CancellationToken.None)).Value!.Task;

        await FinishAsSucceededAsync(manual.Id);

        // The pair's default keep-last 3 counts verified archives only: the incomplete one takes no good one's place.
        Assert.Equal([archives[3].Id, archives[2].Id, archives[1].Id], await RemainingAsync(pair.Id));
        Assert.False(File.Exists(partial));
        Assert.False(File.Exists(RepositoryPath(incomplete)));
        Assert.Contains(("ret-manual-dc", $"/var/lib/vz/dump/{incomplete.Label}"), _portal.Transport.Removed);
        Assert.DoesNotContain(("ret-manual-dr", $"/var/lib/vz/dump/{incomplete.Label}"), _portal.Transport.Removed);
        await using var check = await Contexts.CreateDbContextAsync();
        var prunes = await check.AuditEntries.Where(a => a.Action == "prune" && a.Actor == $"retention of pair #{pair.Id} after task #{manual.Id}").ToListAsync();
        Assert.Equal(2, prunes.Count);
        Assert.Contains(prunes, p => p.EntityId == incomplete.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && p.Summary!.Contains("never verified", StringComparison.Ordinal));
        var outcome = await check.AuditEntries.SingleAsync(a => a.EntityType == "Task" && a.EntityId == manual.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && a.Action == "succeeded");
        Assert.Equal("alice", outcome.Actor);
        Assert.Contains("ret-manual-dc/100 → ret-manual-dr/9503", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinishedTwice_RecordsTheOutcomeOnce_AndAProtectedArchiveSurvives()
    {
        var (admin, pair, _, archives) = await ArrangeAsync("ret-once", 9504, 5);
        using var owned = admin;
        var protect = await admin.PutAsJsonAsync($"/api/v1/archives/{archives[0].Id}/protection", new { @protected = true });
        Assert.Equal(System.Net.HttpStatusCode.OK, protect.StatusCode);
        var tasks = _portal.Services.GetRequiredService<ITaskService>();
        var manual = (await tasks.RequestAsync(pair.Id, DrTaskKind.Backup, null, "bob", CancellationToken.None)).Value!.Task;

        await FinishAsSucceededAsync(manual.Id);
        // A job handed a task that had already ended (before = finished) does nothing again.
        await Outcomes.FinishAsync(manual.Id, DrTaskStatus.Succeeded, CancellationToken.None);

        Assert.Equal([archives[4].Id, archives[3].Id, archives[2].Id, archives[0].Id], await RemainingAsync(pair.Id));
        await using var check = await Contexts.CreateDbContextAsync();
        var id = manual.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await check.AuditEntries.CountAsync(a => a.EntityType == "Task" && a.EntityId == id && a.Action == "succeeded"));
    }
}
