namespace DrPortal.Core.Notifications;

/// <summary>
/// Which events go to which targets, and when. Empty pair, host or target lists mean "all": the default rule, made with
/// the first target, sends every failure and breach to every target at once.
/// </summary>
public sealed class NotificationRule
{
    public const int NameMaxLength = 100;

    /// <summary>What the default rule sends: failures and breaches only.</summary>
    public static readonly IReadOnlyList<OperationalEventKind> DefaultKinds =
    [
        OperationalEventKind.TaskFailed,
        OperationalEventKind.DrillFailed,
        OperationalEventKind.RpoBreached,
        OperationalEventKind.HostUnreachable,
        OperationalEventKind.HostKeyChanged,
        OperationalEventKind.VerifyFoundBadCopy,
        OperationalEventKind.RepositorySpaceLow,
    ];

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public List<OperationalEventKind> Kinds { get; set; } = [];
    public List<long> PairIds { get; set; } = [];
    public List<long> HostIds { get; set; } = [];
    public EventSeverity MinSeverity { get; set; }

    /// <summary>The targets; empty means every enabled target.</summary>
    public List<int> TargetIds { get; set; } = [];

    public DeliveryMode Mode { get; set; }

    /// <summary>For <see cref="DeliveryMode.DailyDigest"/>: the hour (0–23, UTC) the day's message is sent.</summary>
    public int DigestHour { get; set; } = 7;

    public DateTimeOffset CreatedAt { get; set; }

    public static NotificationRule Default(DateTimeOffset now) => new()
    {
        Name = "Failures and breaches",
        Kinds = [.. DefaultKinds],
        MinSeverity = EventSeverity.Info,
        Mode = DeliveryMode.Immediate,
        CreatedAt = now,
    };

    /// <summary>Whether the rule selects the event (its targets aside).</summary>
    public bool Matches(OperationalEvent e) =>
        Enabled
        && Kinds.Contains(e.Kind)
        && e.Severity >= MinSeverity
        && (PairIds.Count == 0 || (e.PairId is { } pair && PairIds.Contains(pair)))
        && (HostIds.Count == 0 || (e.HostId is { } host && HostIds.Contains(host)));

    /// <summary>Whether the rule sends to the target.</summary>
    public bool SendsTo(NotificationTarget target) => target.Enabled && (TargetIds.Count == 0 || TargetIds.Contains(target.Id));

    /// <summary>The first digest hour after <paramref name="now"/>.</summary>
    public DateTime NextDigestAt(DateTime now)
    {
        var at = now.Date.AddHours(DigestHour);
        return at > now ? at : at.AddDays(1);
    }
}
