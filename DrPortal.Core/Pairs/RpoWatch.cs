using System.Globalization;
using DrPortal.Core.Notifications;
using DrPortal.Core.Reports;

namespace DrPortal.Core.Pairs;

/// <summary>
/// The RPO monitor's rules: which pairs it evaluates, when their state changes, and what it says. "Breaching its RPO"
/// is <see cref="PairProtection.Assess"/>'s verdict, the same the coverage, the readiness report and the metrics use.
/// </summary>
public static class RpoWatch
{
    /// <summary>
    /// Pairs without an RPO are not watched, nor failed-over ones: their schedules are paused and replication is refused
    /// until failback, so their restore points age by design.
    /// </summary>
    public static bool Evaluates(VmPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return pair.RpoMinutes is not null && pair.Direction != PairDirection.FailedOver;
    }

    /// <summary>Only a transition is announced: ok → breached, breached → ok. At risk still meets the RPO.</summary>
    public static RpoChange Change(RpoStatus status, bool breachedBefore) => status switch
    {
        RpoStatus.NoTarget => RpoChange.None,
        RpoStatus.Breached => breachedBefore ? RpoChange.None : RpoChange.Breached,
        _ => breachedBefore ? RpoChange.Recovered : RpoChange.None,
    };

    /// <summary>The event of a change: names the pair and its VMs, the RPO, the newest good point and its age.</summary>
    public static OperationalEvent Event(RpoChange change, VmPair pair, PairProtection protection, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(protection);
        if (change == RpoChange.None)
        {
            throw new ArgumentOutOfRangeException(nameof(change), "No change, no event.");
        }
        var rpo = ReadinessFormat.Span(protection.Rpo);
        var age = protection.NewestGoodArchiveAt is { } at ? now - at : (TimeSpan?)null;
        var point = protection.NewestGoodArchiveAt is { } newest
            ? $"newest good restore point made {ReadinessFormat.Utc(newest)}, {ReadinessFormat.Span(age)} old"
            : "no good restore point";
        var label = pair.Describe();
        var summary = change == RpoChange.Breached
            ? $"{label} breached its RPO of {rpo}: {point}"
            : $"{label} is within its RPO of {rpo} again: {point}";
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"RPO {rpo}; achieved {(age is { } a ? ReadinessFormat.Span(a) : "none (no good restore point)")}; {point}.");
        return new OperationalEvent(change == RpoChange.Breached ? OperationalEventKind.RpoBreached : OperationalEventKind.RpoRecovered,
            change == RpoChange.Breached ? EventSeverity.Warning : EventSeverity.Info, summary, now.UtcDateTime, reason, PairId: pair.Id);
    }
}
