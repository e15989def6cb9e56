using System.Globalization;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Schedules;

/// <summary>What a schedule runs: the same tasks a user can start by hand (restores are never scheduled).</summary>
public enum ScheduleKind
{
    Backup,
    Replicate,

    /// <summary>A drill of the pair: its newest point restored to a scratch VM on the drill network, checked, removed.</summary>
    Drill,
}

/// <summary>How the times of a schedule are written: "daily at HH:MM" (the simple form) or a 5-field cron expression.</summary>
public enum ScheduleTiming
{
    Daily,
    Cron,
}

/// <summary>
/// A recurring backup or replication of one VM pair, at local times of a chosen IANA time zone.
/// Each time it comes due is a slot; a <see cref="ScheduleRun"/> row claims a slot before its task is queued.
/// </summary>
public sealed class Schedule
{
    public int Id { get; set; }
    public int VmPairId { get; set; }
    public VmPair? VmPair { get; set; }
    public ScheduleKind Kind { get; set; }
    public ScheduleTiming Timing { get; set; }

    /// <summary>"HH:MM" (24-hour) when <see cref="Timing"/> is Daily.</summary>
    public string? DailyAt { get; set; }

    /// <summary>The 5-field cron expression when <see cref="Timing"/> is Cron.</summary>
    public string? Cron { get; set; }

    /// <summary>IANA time zone id the times are read in, e.g. Europe/Berlin.</summary>
    public string TimeZone { get; set; } = "UTC";

    public bool Enabled { get; set; } = true;
    public string? Note { get; set; }

    /// <summary>Retention counts applied to the pair's archives after a successful run; 0 means "not used".</summary>
    public int KeepLast { get; set; }
    public int KeepDaily { get; set; }
    public int KeepWeekly { get; set; }
    public int KeepMonthly { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the schedule took its current form; slots before it are not "missed".</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public DrTaskKind TaskKind => Kind switch
    {
        ScheduleKind.Replicate => DrTaskKind.Replicate,
        ScheduleKind.Drill => DrTaskKind.Drill,
        _ => DrTaskKind.Backup,
    };

    public RetentionPolicy Retention => new(KeepLast, KeepDaily, KeepWeekly, KeepMonthly);

    /// <summary>The cron expression this schedule fires on: daily HH:MM becomes "M H * * *".</summary>
    public string CronExpression => Timing == ScheduleTiming.Daily ? DailyCron(DailyAt ?? "00:00") : Cron ?? "";

    public CronSchedule ToCronSchedule() => new(CronExpression, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    public static string DailyCron(string hhmm)
    {
        var parts = hhmm.Split(':');
        var hour = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var minute = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{minute} {hour} * * *");
    }

    public void Apply(ScheduleInput input)
    {
        VmPairId = input.VmPairId;
        Kind = input.Kind;
        Timing = input.Timing;
        DailyAt = input.Timing == ScheduleTiming.Daily ? input.DailyAt?.Trim() : null;
        Cron = input.Timing == ScheduleTiming.Cron ? ScheduleInput.NormaliseCron(input.Cron) : null;
        TimeZone = input.EffectiveTimeZone;
        Enabled = input.Enabled;
        Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        var retention = input.Retention ?? RetentionPolicy.None;
        (KeepLast, KeepDaily, KeepWeekly, KeepMonthly) = (retention.KeepLast, retention.KeepDaily, retention.KeepWeekly, retention.KeepMonthly);
    }

    public string Describe() => Timing == ScheduleTiming.Daily
        ? $"{Kind} daily at {DailyAt} ({TimeZone})"
        : $"{Kind} on cron '{Cron}' ({TimeZone})";

    public object AuditSnapshot() => new
    {
        Id,
        VmPairId,
        Pair = VmPair?.Describe(),
        Kind = Kind.ToString(),
        Timing = Timing.ToString(),
        DailyAt,
        Cron,
        TimeZone,
        Enabled,
        Note,
        Retention,
    };
}

/// <summary>A cron expression and the time zone its fields are read in.</summary>
public sealed record CronSchedule(string Expression, TimeZoneInfo Zone);
