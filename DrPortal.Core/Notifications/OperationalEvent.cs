namespace DrPortal.Core.Notifications;

/// <summary>
/// Something an admin may want to be told about without opening the portal: a task's end, a missed slot, an RPO
/// breach, an unreachable host, a bad archive copy. Published by whoever notices it; notification rules decide who hears.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Summary">One line: what happened, to which VM, where.</param>
/// <param name="OccurredAt">When, in UTC.</param>
/// <param name="Reason">Why, when known (the error of a failed task).</param>
/// <param name="PairId">The pair concerned, if any.</param>
/// <param name="HostId">The host concerned, if any.</param>
/// <param name="TaskId">The task concerned, if any (messages link to its page).</param>
/// <param name="Details">The last lines of output or other context, oldest first.</param>
public sealed record OperationalEvent(
    OperationalEventKind Kind,
    EventSeverity Severity,
    string Summary,
    DateTime OccurredAt,
    string? Reason = null,
    long? PairId = null,
    long? HostId = null,
    long? TaskId = null,
    IReadOnlyList<string>? Details = null);
