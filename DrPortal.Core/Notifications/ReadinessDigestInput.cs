using System.Globalization;
using DrPortal.Core.Common;

namespace DrPortal.Core.Notifications;

/// <summary>The digest settings as the admin sends them; <paramref name="Time"/> is "HH:mm" in UTC.</summary>
public sealed record ReadinessDigestInput(bool Enabled, DayOfWeek Day, string? Time, IReadOnlyList<int>? TargetIds)
{
    public const int MaxTargets = 50;

    /// <summary>Field-named errors; <paramref name="targetIds"/> are the targets that exist.</summary>
    public ValidationErrors Validate(IReadOnlyCollection<int> targetIds)
    {
        ArgumentNullException.ThrowIfNull(targetIds);
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(Day))
        {
            errors.Add(nameof(Day), "Day must be a day of the week (Sunday to Saturday).");
        }
        if (ParseTime(Time) is null)
        {
            errors.Add(nameof(Time), "Time must be HH:mm in UTC, from 00:00 to 23:59.");
        }
        var targets = TargetIds ?? [];
        if (Enabled && targets.Count == 0)
        {
            errors.Add(nameof(TargetIds), "Choose at least one target for the digest.");
        }
        else if (targets.Count > MaxTargets)
        {
            errors.Add(nameof(TargetIds), $"The digest may go to at most {MaxTargets} targets.");
        }
        else if (targets.FirstOrDefault(t => !targetIds.Contains(t)) is var missing && missing != 0)
        {
            errors.Add(nameof(TargetIds), $"Target {missing} does not exist.");
        }
        return errors;
    }

    /// <summary>The hour and minute of "HH:mm", or null when it is not a time of day.</summary>
    public static (int Hour, int Minute)? ParseTime(string? time) =>
        TimeOnly.TryParseExact(time?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? (t.Hour, t.Minute) : null;
}
