using System.Text.RegularExpressions;
using DrPortal.Core.Common;

namespace DrPortal.Core.Schedules;

/// <summary>What a user submits to create or edit a schedule, before validation.</summary>
public sealed partial record ScheduleInput
{
    public int VmPairId { get; set; }
    public ScheduleKind Kind { get; set; } = ScheduleKind.Backup;
    public ScheduleTiming Timing { get; set; } = ScheduleTiming.Daily;

    /// <summary>"HH:MM", 24-hour, for Daily.</summary>
    public string? DailyAt { get; set; }

    /// <summary>Five fields: minute hour day-of-month month day-of-week, for Cron.</summary>
    public string? Cron { get; set; }

    /// <summary>The size of the schedule's cron column.</summary>
    public const int CronMaxLength = 120;

    /// <summary>IANA time zone; empty means the server's.</summary>
    public string? TimeZone { get; set; }

    public bool Enabled { get; set; } = true;
    public string? Note { get; set; }
    public RetentionPolicy? Retention { get; set; }

    public string EffectiveTimeZone => string.IsNullOrWhiteSpace(TimeZone) ? ServerTimeZoneId() : TimeZone.Trim();

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]\\z")]
    private static partial Regex HourMinute();

    public static ScheduleInput From(Schedule s) => new()
    {
        VmPairId = s.VmPairId,
        Kind = s.Kind,
        Timing = s.Timing,
        DailyAt = s.DailyAt,
        Cron = s.Cron,
        TimeZone = s.TimeZone,
        Enabled = s.Enabled,
        Note = s.Note,
        Retention = s.Retention,
    };

    /// <summary>Collapses runs of whitespace so equal expressions are stored equally.</summary>
    public static string? NormaliseCron(string? cron) =>
        cron is null ? null : string.Join(' ', cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The server's zone as an IANA id (Windows ids are converted where a mapping exists).</summary>
    public static string ServerTimeZoneId()
    {
        var local = TimeZoneInfo.Local;
        if (local.HasIanaId)
        {
            return local.Id;
        }
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(local.Id, out var iana) ? iana : "UTC";
    }

    /// <summary>
    /// UTC, or a zone in the IANA list with an area/location form (Europe/Berlin, Etc/UTC, Etc/GMT+5). Files tzdata keeps beside the
    /// zones ("posixrules", "Factory", "EST5EDT") would resolve on some systems but are not places.
    /// </summary>
    public static bool IsIanaZone(string zone)
    {
        if (zone == "UTC")
        {
            return true;
        }
        if (zone.Length > 64 || TextRules.HasControlCharacters(zone) || !zone.Contains('/', StringComparison.Ordinal)
            || zone.StartsWith("posix/", StringComparison.Ordinal)
            || zone.StartsWith("right/", StringComparison.Ordinal))
        {
            return false;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) && found.HasIanaId;
    }

    /// <summary>Checks the fields; <paramref name="cronRules"/> knows the cron syntax. Whether the pair exists is the store's check.</summary>
    public ValidationErrors Validate(ICronRules cronRules)
    {
        ArgumentNullException.ThrowIfNull(cronRules);
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(Kind))
        {
            errors.Add(nameof(Kind), "Kind must be Backup or Replicate.");
        }
        if (!Enum.IsDefined(Timing))
        {
            errors.Add(nameof(Timing), "Timing must be Daily or Cron.");
        }
        else if (Timing == ScheduleTiming.Daily)
        {
            if (string.IsNullOrWhiteSpace(DailyAt))
            {
                errors.Add(nameof(DailyAt), "Time of day is required, as HH:MM (24-hour), e.g. 02:30.");
            }
            else if (!HourMinute().IsMatch(DailyAt.Trim()))
            {
                errors.Add(nameof(DailyAt), $"'{DailyAt}' is not a time of day; write it as HH:MM (24-hour), from 00:00 to 23:59.");
            }
        }
        else if (string.IsNullOrWhiteSpace(Cron))
        {
            errors.Add(nameof(Cron), "Cron expression is required: five fields, minute hour day-of-month month day-of-week, e.g. '30 2 * * 1-5'.");
        }
        else if (NormaliseCron(Cron)!.Length > CronMaxLength)
        {
            errors.Add(nameof(Cron), $"Cron expression must be at most {CronMaxLength} characters; use ranges (0-59) or steps (*/5) instead of long lists.");
        }
        else if (cronRules.Check(NormaliseCron(Cron)!) is { } problem)
        {
            errors.Add(nameof(Cron), problem);
        }

        // A blank zone means the server's own, which is trusted as the system names it (often Etc/UTC).
        var zone = EffectiveTimeZone;
        var known = string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) : IsIanaZone(zone);
        if (!known)
        {
            errors.Add(nameof(TimeZone), $"'{TimeZone}' is not a known time zone; use an IANA name such as Europe/Berlin or America/New_York.");
        }
        TextRules.OptionalNote(errors, nameof(Note), Note);
        (Retention ?? RetentionPolicy.None).Validate(errors, nameof(Retention));
        return errors;
    }
}
