using System.Globalization;

namespace DrPortal.Core.Notifications;

/// <summary>
/// The weekly DR readiness digest: whether it is sent, on which day and at what time (UTC), and to which targets. One row;
/// <see cref="LastSentAt"/> lets only one portal node send a scheduled slot.
/// </summary>
public sealed class ReadinessDigestSettings
{
    /// <summary>The id of the one row.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public bool Enabled { get; set; }
    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;

    /// <summary>The hour (0–23, UTC).</summary>
    public int Hour { get; set; } = 7;

    /// <summary>The minute (0–59).</summary>
    public int Minute { get; set; }

    public List<int> TargetIds { get; set; } = [];

    /// <summary>When a scheduled digest was last sent (a "send now" does not count).</summary>
    public DateTimeOffset? LastSentAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>"07:00", as the form shows and takes it.</summary>
    public string Time => string.Create(CultureInfo.InvariantCulture, $"{Hour:00}:{Minute:00}");

    /// <summary>The Hangfire/Cronos cron of the slot, in UTC.</summary>
    public string Cron => string.Create(CultureInfo.InvariantCulture, $"{Minute} {Hour} * * {(int)Day}");

    /// <summary>"Mondays at 07:00 UTC".</summary>
    public string Describe() => $"{Day}s at {Time} UTC";
}
