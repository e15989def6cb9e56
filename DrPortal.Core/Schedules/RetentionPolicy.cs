using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;

namespace DrPortal.Core.Schedules;

/// <summary>
/// Which archives of a pair to keep: the newest <see cref="KeepLast"/>, plus the newest archive of each of the last
/// <see cref="KeepDaily"/> days, <see cref="KeepWeekly"/> ISO weeks and <see cref="KeepMonthly"/> months that have one
/// (grandfather-father-son). An archive kept by any rule is kept. All zero means "keep everything".
/// </summary>
public sealed record RetentionPolicy(int KeepLast = 0, int KeepDaily = 0, int KeepWeekly = 0, int KeepMonthly = 0)
{
    public const int MaxCount = 1000;

    public static RetentionPolicy None { get; } = new();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => KeepLast == 0 && KeepDaily == 0 && KeepWeekly == 0 && KeepMonthly == 0;

    public void Validate(ValidationErrors errors, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (name, value) in new[] { (nameof(KeepLast), KeepLast), (nameof(KeepDaily), KeepDaily), (nameof(KeepWeekly), KeepWeekly), (nameof(KeepMonthly), KeepMonthly) })
        {
            if (value is < 0 or > MaxCount)
            {
                errors.Add($"{field}.{name}", $"{name} must be between 0 and {MaxCount}.");
            }
        }
    }
}

/// <summary>The verdict on one archive, with every reason it is kept (none when it is deleted).</summary>
public sealed record RetentionDecision(Archive Archive, bool Keep, IReadOnlyList<string> Reasons)
{
    /// <summary>Deleted because it never became a restore point (no verified repository copy), not because of the policy.</summary>
    public bool IsIncomplete => !Keep && !Archive.IsVerified;
}

/// <summary>Applies a <see cref="RetentionPolicy"/> to a pair's archives. Pure: the same input always gives the same verdicts.</summary>
public static class RetentionPlan
{
    /// <summary>
    /// Decides keep or delete for each archive, newest first. Only verified restore points count towards the policy's
    /// rules: an unverified archive (a cancelled or failed backup) never takes the place of a good one, and is deleted
    /// unless a task still uses it. Whatever the policy says, the newest verified archive, archives in
    /// <paramref name="inUse"/> (a queued or running task needs them) and protected archives are kept.
    /// Days, weeks and months are those of <paramref name="zone"/>.
    /// </summary>
    public static IReadOnlyList<RetentionDecision> Decide(RetentionPolicy policy, IEnumerable<Archive> archives, IReadOnlySet<long> inUse, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inUse);
        ArgumentNullException.ThrowIfNull(zone);
        var ordered = archives.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToList();
        var verified = ordered.Where(a => a.IsVerified).ToList();
        var reasons = ordered.ToDictionary(a => a.Id, _ => new List<string>());

        if (policy.IsEmpty)
        {
            verified.ForEach(a => reasons[a.Id].Add("no retention policy"));
        }
        foreach (var a in verified.Take(policy.KeepLast))
        {
            reasons[a.Id].Add("last");
        }
        KeepNewestPerPeriod(verified, policy.KeepDaily, zone, d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "daily", reasons);
        KeepNewestPerPeriod(verified, policy.KeepWeekly, zone,
            d => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(d)}-W{ISOWeek.GetWeekOfYear(d):00}"), "weekly", reasons);
        KeepNewestPerPeriod(verified, policy.KeepMonthly, zone, d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture), "monthly", reasons);

        if (verified.FirstOrDefault() is { } newestVerified)
        {
            reasons[newestVerified.Id].Add("newest verified archive");
        }
        foreach (var a in ordered)
        {
            if (inUse.Contains(a.Id))
            {
                reasons[a.Id].Add("in use by a task");
            }
            if (a.IsProtected)
            {
                reasons[a.Id].Add("protected");
            }
            if (a.RepositoryCopy.IsUnusable())
            {
                // A verify's finding is the admin's to act on; retention must not make it vanish as an incomplete backup.
                reasons[a.Id].Add("a verify found its repository copy bad");
            }
        }
        KeepChainsWhole(ordered, reasons);
        return ordered.Select(a => new RetentionDecision(a, reasons[a.Id].Count > 0, reasons[a.Id])).ToList();
    }

    /// <summary>An incremental point is only worth keeping with every point it builds on: those are kept with it.</summary>
    private static void KeepChainsWhole(List<Archive> newestFirst, Dictionary<long, List<string>> reasons)
    {
        var byId = newestFirst.ToDictionary(a => a.Id);
        foreach (var a in newestFirst.Where(a => reasons[a.Id].Count > 0 && a.ParentArchiveId is not null))
        {
            var seen = new HashSet<long> { a.Id };
            for (var parentId = a.ParentArchiveId; parentId is { } id && seen.Add(id) && byId.TryGetValue(id, out var parent); parentId = parent.ParentArchiveId)
            {
                if (!reasons[id].Any(r => r.StartsWith("base of ", StringComparison.Ordinal)))
                {
                    reasons[id].Add($"base of {a.Label}");
                }
            }
        }
    }

    private static void KeepNewestPerPeriod(List<Archive> newestFirst, int count, TimeZoneInfo zone, Func<DateTime, string> period, string rule,
        Dictionary<long, List<string>> reasons)
    {
        string? last = null;
        var kept = 0;
        foreach (var a in newestFirst)
        {
            if (kept >= count)
            {
                return;
            }
            var key = period(TimeZoneInfo.ConvertTime(a.CreatedAt, zone).DateTime);
            if (key != last)
            {
                reasons[a.Id].Add($"{rule} {key}");
                last = key;
                kept++;
            }
        }
    }
}
