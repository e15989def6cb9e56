namespace DrPortal.Core.Pairs;

/// <summary>How a pair stands against its recovery point objective.</summary>
public enum RpoStatus
{
    /// <summary>The pair sets no RPO.</summary>
    NoTarget,

    /// <summary>The newest good archive is within the RPO, and an enabled schedule runs again before it expires.</summary>
    Met,

    /// <summary>Within the RPO now, but no enabled schedule runs before it expires: it will be missed unless someone acts.</summary>
    AtRisk,

    /// <summary>The newest good archive is older than the RPO, or there is none.</summary>
    Breached,
}

/// <summary>
/// A pair's protection at a moment: its newest good (verified) archive, its RPO, its schedules' next run, and the verdict.
/// </summary>
public sealed record PairProtection(
    int PairId, TimeSpan? Rpo, DateTimeOffset? NewestGoodArchiveAt, int EnabledSchedules, DateTimeOffset? NextRun, RpoStatus Status)
{
    /// <summary>
    /// The verdict. A recovery point "expires" when the newest good archive becomes older than the RPO; a pair is at risk
    /// when its next scheduled run starts only after that moment (or there is no such run).
    /// </summary>
    public static RpoStatus Assess(TimeSpan? rpo, DateTimeOffset? newestGoodArchiveAt, DateTimeOffset? nextRun, DateTimeOffset now)
    {
        if (rpo is not { } objective)
        {
            return RpoStatus.NoTarget;
        }
        if (newestGoodArchiveAt is not { } newest || now - newest > objective)
        {
            return RpoStatus.Breached;
        }
        return nextRun is { } next && next <= newest + objective ? RpoStatus.Met : RpoStatus.AtRisk;
    }

    public static PairProtection Of(VmPair pair, DateTimeOffset? newestGoodArchiveAt, int enabledSchedules, DateTimeOffset? nextRun, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pair);
        TimeSpan? rpo = pair.RpoMinutes is { } m ? TimeSpan.FromMinutes(m) : null;
        return new(pair.Id, rpo, newestGoodArchiveAt, enabledSchedules, nextRun, Assess(rpo, newestGoodArchiveAt, nextRun, now));
    }
}

/// <summary>Every pair's protection now (newest good archive, schedules, RPO verdict).</summary>
public interface IPairProtection
{
    Task<IReadOnlyList<PairProtection>> ListAsync(CancellationToken ct);
}
