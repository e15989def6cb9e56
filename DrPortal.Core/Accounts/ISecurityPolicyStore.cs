namespace DrPortal.Core.Accounts;

/// <summary>Where the portal's <see cref="SecurityPolicy"/> is kept; readers get the current one, admins change it.</summary>
public interface ISecurityPolicyStore
{
    Task<SecurityPolicy> GetAsync(CancellationToken ct);

    /// <summary>Validates and saves the policy (audited as <paramref name="actor"/>); invalid values throw a validation error naming the field.</summary>
    Task SaveAsync(SecurityPolicy policy, string actor, CancellationToken ct);
}
