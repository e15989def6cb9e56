using DrPortal.Core.Common;
using DrPortal.Core.History;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>
/// The figures of finished tasks, read in a few bounded queries: tasks with their stages in a window (capped), the sizes
/// of their restore points, and for the dashboard grouped counts and per-day sums. No query runs per pair.
/// </summary>
internal sealed class RunHistoryQuery(
    IDbContextFactory<DrPortalDbContext> dbFactory, IPairProtection protection, IHostConnections hosts, IArchiveRepository repository, IClock clock)
    : IRunHistory
{
    /// <summary>The most tasks read across all pairs at once, whatever the window asks.</summary>
    internal const int AcrossPairsCap = 5000;

    private const int DashboardDays = 30;
    private static readonly TimeSpan DiskSizeTimeout = TimeSpan.FromSeconds(5);
    private static readonly DrTaskStatus[] Succeeded = [DrTaskStatus.Succeeded, DrTaskStatus.SucceededWithWarnings];

    public async Task<Result<PairHistory>> ForPairAsync(int pairId, HistoryWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Validate() is { IsEmpty: false } errors)
        {
            return Result<PairHistory>.Invalid(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
            .FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return Result<PairHistory>.NotFound($"VM pair {pairId} does not exist.");
        }
        var since = clock.UtcNow.AddDays(-window.Days);
        var tasks = await FinishedSince(db, since).Where(t => t.VmPairId == pairId)
            .OrderByDescending(t => t.FinishedAt).ThenByDescending(t => t.Id).Take(window.Take).ToListAsync(ct);
        var figures = await FiguresAsync(db, tasks, ct);
        return Result<PairHistory>.Ok(new PairHistory(pair.Id, pair.Describe(), since,
            [.. figures.OrderBy(f => f.FinishedAt).ThenBy(f => f.TaskId)]));
    }

    public async Task<Result<IReadOnlyList<PairFigures>>> AcrossPairsAsync(HistoryWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Validate() is { IsEmpty: false } errors)
        {
            return Result<IReadOnlyList<PairFigures>>.Invalid(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pairs = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).ToListAsync(ct);
        var since = clock.UtcNow.AddDays(-window.Days);
        var tasks = await FinishedSince(db, since).Where(t => t.VmPairId != null)
            .OrderByDescending(t => t.FinishedAt).ThenByDescending(t => t.Id).Take(AcrossPairsCap).ToListAsync(ct);
        var perPair = tasks.GroupBy(t => t.VmPairId!.Value).ToDictionary(g => g.Key, g => g.Take(window.Take).ToList());
        var figures = (await FiguresAsync(db, [.. perPair.Values.SelectMany(t => t)], ct)).ToDictionary(f => f.TaskId);
        var disks = await DiskSizesAsync(pairs, ct);
        return Result<IReadOnlyList<PairFigures>>.Ok([.. pairs
            .Select(p => PairFigures.Average(p.Id, p.Describe(), disks.TryGetValue(p.Id, out var disk) ? disk : null,
                perPair.TryGetValue(p.Id, out var own) ? [.. own.Select(t => figures[t.Id])] : []))
            .OrderBy(f => f.DiskBytes ?? long.MaxValue).ThenBy(f => f.Pair, StringComparer.Ordinal)]);
    }

    public async Task<DashboardFigures> DashboardAsync(CancellationToken ct)
    {
        var now = clock.UtcNow;
        var since30 = now.AddDays(-DashboardDays);
        var since7 = now.AddDays(-7);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var outcomes = await db.Tasks.AsNoTracking()
            .Where(t => t.FinishedAt >= since30 && (Succeeded.Contains(t.Status) || t.Status == DrTaskStatus.Failed))
            .GroupBy(t => new { Ok = t.Status != DrTaskStatus.Failed, Recent = t.FinishedAt >= since7 })
            .Select(g => new { g.Key.Ok, g.Key.Recent, Count = g.Count() })
            .ToListAsync(ct);
        SuccessRate Rate(int days, bool recentOnly) => new(days,
            outcomes.Where(o => o.Ok && (o.Recent || !recentOnly)).Sum(o => o.Count),
            outcomes.Where(o => !o.Ok && (o.Recent || !recentOnly)).Sum(o => o.Count));

        var moved = await (
                from s in db.TaskStages.AsNoTracking()
                where (s.Name == StageName.Pull || s.Name == StageName.Push)
                      && (s.Status == StageStatus.Succeeded || s.Status == StageStatus.SucceededWithWarnings)
                      && s.FinishedAt >= since30
                join t in db.Tasks on s.DrTaskId equals t.Id
                join a in db.Archives on t.ArchiveId equals (long?)a.Id
                select new { s.FinishedAt, a.SizeBytes })
            .ToListAsync(ct);
        var bytesPerDay = moved.GroupBy(m => DateOnly.FromDateTime(m.FinishedAt!.Value.UtcDateTime))
            .Select(g => new DailyBytes(g.Key, g.Sum(m => m.SizeBytes))).OrderBy(d => d.Day).ToList();

        var protections = await protection.ListAsync(ct);
        return new DashboardFigures(Rate(7, true), Rate(DashboardDays, false), bytesPerDay,
            await GrowthAsync(db, since30, now, ct), protections.GroupBy(p => p.Status).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>
    /// The repository's size at the end of each day a point arrived in the window, counted from the points it holds now,
    /// and the forecast of when its free space runs out.
    /// </summary>
    private async Task<RepositoryGrowth> GrowthAsync(DrPortalDbContext db, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var held = await db.Archives.AsNoTracking().Where(a => a.InRepository)
            .Select(a => new { At = a.PulledAt ?? a.CreatedAt, a.SizeBytes }).ToListAsync(ct);
        var before = held.Where(h => h.At < since).Sum(h => h.SizeBytes);
        var size = new List<DailyBytes>();
        foreach (var day in held.Where(h => h.At >= since).GroupBy(h => DateOnly.FromDateTime(h.At.UtcDateTime)).OrderBy(g => g.Key))
        {
            before += day.Sum(h => h.SizeBytes);
            size.Add(new DailyBytes(day.Key, before));
        }
        long? free;
        try
        {
            free = repository.FreeBytes(repository.Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            free = null;
        }
        var forecast = free is { } bytes
            ? RepositoryForecast.Fit(size, bytes, now)
            : new RepositoryForecast(null, null, "The repository's free space could not be read.");
        return new RepositoryGrowth(size, free, forecast);
    }

    private static IQueryable<DrTask> FinishedSince(DrPortalDbContext db, DateTimeOffset since) =>
        db.Tasks.AsNoTracking().Include(t => t.Stages).AsSplitQuery()
            .Where(t => t.FinishedAt != null && t.FinishedAt >= since && Succeeded.Contains(t.Status));

    private static async Task<List<TaskFigures>> FiguresAsync(DrPortalDbContext db, IReadOnlyCollection<DrTask> tasks, CancellationToken ct)
    {
        var archiveIds = tasks.Where(t => t.ArchiveId is not null).Select(t => t.ArchiveId!.Value).Distinct().ToList();
        var sizes = await db.Archives.AsNoTracking().Where(a => archiveIds.Contains(a.Id))
            .Select(a => new { a.Id, a.SizeBytes }).ToDictionaryAsync(a => a.Id, a => a.SizeBytes, ct);
        return [.. tasks.Select(t => TaskFigures.Of(t, t.ArchiveId is { } id && sizes.TryGetValue(id, out var bytes) ? bytes : null))];
    }

    /// <summary>Each pair's source VM disk size as its host lists it now: one listing per source host, in parallel, each briefly.</summary>
    private async Task<Dictionary<int, long>> DiskSizesAsync(IReadOnlyList<VmPair> pairs, CancellationToken ct)
    {
        var listings = await Task.WhenAll(pairs.Select(p => p.SourceHypervisorId).Distinct().Select(async hostId =>
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(DiskSizeTimeout);
            try
            {
                var listed = await hosts.ListVmsAsync(hostId, bounded.Token);
                return (hostId, Vms: listed.IsOk ? listed.Value! : []);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // A host that does not answer leaves its pairs without a size; the figures still show.
                return (hostId, Vms: (IReadOnlyList<Core.Hypervisors.VmInfo>)[]);
            }
        }));
        var byHost = listings.ToDictionary(l => l.hostId, l => l.Vms);
        var sizes = new Dictionary<int, long>();
        foreach (var pair in pairs)
        {
            if (byHost[pair.SourceHypervisorId].FirstOrDefault(v => v.Ref.Value == pair.SourceVm) is { DiskGb: > 0 } vm)
            {
                sizes[pair.Id] = (long)(vm.DiskGb * 1024 * 1024 * 1024);
            }
        }
        return sizes;
    }
}
