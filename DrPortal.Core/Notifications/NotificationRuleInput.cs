using DrPortal.Core.Common;

namespace DrPortal.Core.Notifications;

/// <summary>A rule as the admin sends it; empty pair, host and target lists mean "all".</summary>
public sealed record NotificationRuleInput(
    string? Name,
    IReadOnlyList<OperationalEventKind>? Kinds,
    EventSeverity MinSeverity = EventSeverity.Info,
    IReadOnlyList<long>? PairIds = null,
    IReadOnlyList<long>? HostIds = null,
    IReadOnlyList<int>? TargetIds = null,
    DeliveryMode Mode = DeliveryMode.Immediate,
    int DigestHour = 7,
    bool Enabled = true)
{
    /// <summary>Field-named errors; <paramref name="targetIds"/> are the targets that exist.</summary>
    public ValidationErrors Validate(IReadOnlyCollection<int> targetIds)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add(nameof(Name), "Name is required.");
        }
        else if (Name.Trim().Length > NotificationRule.NameMaxLength || TextRules.HasControlCharacters(Name))
        {
            errors.Add(nameof(Name), $"Name must be at most {NotificationRule.NameMaxLength} characters, without control characters.");
        }
        if (Kinds is not { Count: > 0 })
        {
            errors.Add(nameof(Kinds), "Choose at least one kind of event.");
        }
        else if (Kinds.FirstOrDefault(k => !Enum.IsDefined(k)) is var bad && !Enum.IsDefined(bad))
        {
            errors.Add(nameof(Kinds), $"'{bad}' is not a kind of event.");
        }
        if (!Enum.IsDefined(MinSeverity))
        {
            errors.Add(nameof(MinSeverity), "Minimum severity must be Info, Warning or Error.");
        }
        if (!Enum.IsDefined(Mode))
        {
            errors.Add(nameof(Mode), "Mode must be Immediate or DailyDigest.");
        }
        if (DigestHour is < 0 or > 23)
        {
            errors.Add(nameof(DigestHour), "Digest hour must be between 0 and 23 (UTC).");
        }
        if ((TargetIds ?? []).FirstOrDefault(t => !targetIds.Contains(t)) is var missing && missing != 0)
        {
            errors.Add(nameof(TargetIds), $"Target {missing} does not exist.");
        }
        if ((PairIds?.Count ?? 0) > 200 || (HostIds?.Count ?? 0) > 200)
        {
            errors.Add((PairIds?.Count ?? 0) > 200 ? nameof(PairIds) : nameof(HostIds), "A rule may name at most 200 pairs and 200 hosts.");
        }
        return errors;
    }
}
