using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

/// <summary>What makes a <see cref="SecurityPolicy"/> valid; errors are keyed by the record's property names in camel case.</summary>
public static class SecurityPolicyRules
{
    /// <summary>No token lives longer than this, whatever the admin sets.</summary>
    public static readonly TimeSpan LongestTokenLifetime = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>No browser session lasts longer than this.</summary>
    public static readonly TimeSpan LongestSession = TimeSpan.FromDays(365);

    public static ValidationErrors Validate(SecurityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ValidationErrors();
        Positive(errors, "tokenDefaultLifetime", policy.TokenDefaultLifetime, "The default token lifetime");
        Positive(errors, "tokenMaximumLifetime", policy.TokenMaximumLifetime, "The maximum token lifetime");
        Positive(errors, "sessionIdleTimeout", policy.SessionIdleTimeout, "The session idle timeout");
        Positive(errors, "sessionAbsoluteLifetime", policy.SessionAbsoluteLifetime, "The session lifetime");
        if (policy.TokenMaximumLifetime > LongestTokenLifetime)
        {
            errors.Add("tokenMaximumLifetime", "The maximum token lifetime must be at most 5 years.");
        }
        if (!errors.Has("tokenDefaultLifetime") && !errors.Has("tokenMaximumLifetime") && policy.TokenDefaultLifetime > policy.TokenMaximumLifetime)
        {
            errors.Add("tokenDefaultLifetime", "The default token lifetime must not be longer than the maximum.");
        }
        if (policy.SessionAbsoluteLifetime > LongestSession)
        {
            errors.Add("sessionAbsoluteLifetime", "The session lifetime must be at most 365 days.");
        }
        if (!errors.Has("sessionIdleTimeout") && !errors.Has("sessionAbsoluteLifetime") && policy.SessionIdleTimeout > policy.SessionAbsoluteLifetime)
        {
            errors.Add("sessionIdleTimeout", "The idle timeout must not be longer than the session lifetime.");
        }
        if (policy.TwoFactorRequiredRoles is null)
        {
            errors.Add("twoFactorRequiredRoles", "The roles that need two-factor sign-in are required (an empty list for none).");
        }
        else
        {
            foreach (var role in policy.TwoFactorRequiredRoles.Where(r => r is null || !Roles.IsKnown(r)).Distinct())
            {
                errors.Add("twoFactorRequiredRoles", $"'{role}' is not a role; use Admin, Operator or Viewer.");
            }
        }
        return errors;
    }

    private static void Positive(ValidationErrors errors, string field, TimeSpan value, string what)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(field, $"{what} must be longer than zero.");
        }
    }
}
