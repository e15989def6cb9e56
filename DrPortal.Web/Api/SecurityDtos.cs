using DrPortal.Core.Accounts;
using DrPortal.Core.Common;

namespace DrPortal.Web.Api;

/// <summary>An API token as lists show it (never the secret; <see cref="Hint"/> is its first characters).</summary>
public sealed record ApiTokenDto(int Id, string Name, string Hint, string Scope, string Owner, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt)
{
    public static ApiTokenDto From(ApiTokenSummary t) =>
        new(t.Id, t.Name, t.Hint, ApiToken.ScopeName(t.Scope), t.Owner, t.CreatedAt, t.ExpiresAt, t.LastUsedAt);
}

/// <summary>The security policy in whole units, as admins think of it; every field is required on PUT.</summary>
public sealed record SecurityPolicyDto(
    int? TokenDefaultLifetimeDays,
    int? TokenMaximumLifetimeDays,
    IReadOnlyList<string>? TwoFactorRequiredRoles,
    int? SessionIdleTimeoutMinutes,
    int? SessionAbsoluteLifetimeHours)
{
    public static SecurityPolicyDto From(SecurityPolicy p) => new(
        (int)p.TokenDefaultLifetime.TotalDays,
        (int)p.TokenMaximumLifetime.TotalDays,
        p.TwoFactorRequiredRoles,
        (int)p.SessionIdleTimeout.TotalMinutes,
        (int)p.SessionAbsoluteLifetime.TotalHours);

    // The policy's rules name the record's properties; clients and the settings page know these fields.
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["tokenDefaultLifetime"] = "tokenDefaultLifetimeDays",
        ["tokenMaximumLifetime"] = "tokenMaximumLifetimeDays",
        ["twoFactorRequiredRoles"] = "twoFactorRequiredRoles",
        ["sessionIdleTimeout"] = "sessionIdleTimeoutMinutes",
        ["sessionAbsoluteLifetime"] = "sessionAbsoluteLifetimeHours",
    };

    /// <summary>The policy these values stand for, or the errors keyed by this record's (camel-case) field names.</summary>
    public Result<SecurityPolicy> ToPolicy()
    {
        var errors = new ValidationErrors();
        Require(errors, "tokenDefaultLifetimeDays", TokenDefaultLifetimeDays);
        Require(errors, "tokenMaximumLifetimeDays", TokenMaximumLifetimeDays);
        Require(errors, "sessionIdleTimeoutMinutes", SessionIdleTimeoutMinutes);
        Require(errors, "sessionAbsoluteLifetimeHours", SessionAbsoluteLifetimeHours);
        if (TwoFactorRequiredRoles is null)
        {
            errors.Add("twoFactorRequiredRoles", "twoFactorRequiredRoles is required: a list of roles, [] for none.");
        }
        if (!errors.IsEmpty)
        {
            return Result<SecurityPolicy>.Invalid(errors);
        }
        var policy = new SecurityPolicy(
            TimeSpan.FromDays(TokenDefaultLifetimeDays!.Value),
            TimeSpan.FromDays(TokenMaximumLifetimeDays!.Value),
            [.. TwoFactorRequiredRoles!],
            TimeSpan.FromMinutes(SessionIdleTimeoutMinutes!.Value),
            TimeSpan.FromHours(SessionAbsoluteLifetimeHours!.Value));
        var invalid = ToFieldNames(SecurityPolicyRules.Validate(policy));
        return invalid.IsEmpty ? Result<SecurityPolicy>.Ok(policy) : Result<SecurityPolicy>.Invalid(invalid);
    }

    /// <summary>The policy rules' errors under this record's field names.</summary>
    public static ValidationErrors ToFieldNames(ValidationErrors policyErrors)
    {
        ArgumentNullException.ThrowIfNull(policyErrors);
        var named = new ValidationErrors();
        foreach (var (field, messages) in policyErrors.ToDictionary())
        {
            foreach (var message in messages)
            {
                named.Add(Fields.GetValueOrDefault(field, field), message);
            }
        }
        return named;
    }

    private static void Require(ValidationErrors errors, string field, int? value)
    {
        if (value is null)
        {
            errors.Add(field, $"{field} is required (a whole number).");
        }
    }
}
