using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
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
            SourceVmId = 100,
            FileName = $"vzdump-qemu-100-2026_11_{10 + i}-01_00_00.vma.zst",
            LogFileName = $"vzdump-qemu-100-2026_11_{10 + i}-01_00_00.log",
            CreatedAt = new DateTimeOffset(2026, 11, 10 + i, 1, 0, 0, TimeSpan.Zero),
            InRepository = true,
            Sha256 = new string('c', 64),
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
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(path)!, a.LogFileName!), "log");
        }
        return (admin, pair, created.Value!, archives);
    }

    private string RepositoryPath(Archive a) => Path.Combine(_portal.DataDirectory, "repository", a.RepositoryRelativePath);

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
        Assert.All(deleted, a => Assert.False(File.Exists(RepositoryPath(a)), a.FileName));
        Assert.All(kept, a => Assert.True(File.Exists(RepositoryPath(a)), a.FileName));
        var removed = _portal.Transport.Removed.ToList();
        Assert.Equal(
            deleted.SelectMany(a => new[] { ("ret-apply-dc", $"/var/lib/vz/dump/{a.FileName}"), ("ret-apply-dc", $"/var/lib/vz/dump/{a.LogFileName}"), ("ret-apply-dr", $"/var/lib/vz/dump/{a.FileName}") }).Order(),
            removed.Where(r => r.Host.StartsWith("ret-apply-", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task SucceededScheduledTask_TriggersRetention_ButAnArchiveInUseIsKept()
    {
        var (admin, pair, schedule, archives) = await ArrangeAsync("ret-feed", 9502, 4);
        using var owned = admin;
        var tasks = _portal.Services.GetRequiredService<ITaskService>();
        // A queued restore of the oldest archive keeps it, whatever the policy says.
        var restore = await tasks.RequestAsync(pair.Id, DrTaskKind.Restore, archives[0].Id, "alice", CancellationToken.None);
        Assert.True(restore.IsOk, restore.Message);
        var scheduled = (await tasks.RequestScheduledAsync(pair.Id, DrTaskKind.Backup, new ScheduledRequest(schedule.Id, false), CancellationToken.None)).Value!.Task;
        DrTask finished;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            finished = await db.Tasks.Include(t => t.Stages).FirstAsync(t => t.Id == scheduled.Id);
            finished.Succeed(_portal.Clock.UtcNow);
            await db.SaveChangesAsync();
        }

        _portal.Services.GetRequiredService<ITaskFeed>().Publish(TaskUpdate.Of(finished));

        var expected = new[] { archives[3].Id, archives[2].Id, archives[0].Id };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await RemainingAsync(pair.Id)).SequenceEqual(expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(expected, await RemainingAsync(pair.Id));
    }
}
