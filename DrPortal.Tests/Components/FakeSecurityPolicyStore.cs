using DrPortal.Core.Accounts;
using DrPortal.Core.Common;

namespace DrPortal.Tests.Components;

/// <summary>The policy in memory for component tests; it applies the real rules (the database store is tested against MariaDB).</summary>
internal sealed class FakeSecurityPolicyStore : ISecurityPolicyStore
{
    public SecurityPolicy Current { get; set; } = SecurityPolicy.Default;

    public int Saves { get; private set; }

    public Task<SecurityPolicy> GetAsync(CancellationToken ct) => Task.FromResult(Current);

    public Task SaveAsync(SecurityPolicy policy, string actor, CancellationToken ct)
    {
        var errors = SecurityPolicyRules.Validate(policy);
        if (!errors.IsEmpty)
        {
            throw new InvalidInputException(errors);
        }
        Current = policy;
        Saves++;
        return Task.CompletedTask;
    }
}
