using DrPortal.Core.Accounts;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>Serves <see cref="SecurityPolicy.Default"/> until the policy is kept in the database.</summary>
internal sealed class DefaultSecurityPolicyStore : ISecurityPolicyStore
{
    private SecurityPolicy current = SecurityPolicy.Default;

    public Task<SecurityPolicy> GetAsync(CancellationToken ct) => Task.FromResult(current);

    public Task SaveAsync(SecurityPolicy policy, string actor, CancellationToken ct)
    {
        current = policy;
        return Task.CompletedTask;
    }
}
