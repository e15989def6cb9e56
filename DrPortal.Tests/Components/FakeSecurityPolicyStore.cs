using DrPortal.Core.Accounts;

namespace DrPortal.Tests.Components;

/// <summary>Serves one policy (the default unless a test sets another).</summary>
internal sealed class FakeSecurityPolicyStore : ISecurityPolicyStore
{
    public SecurityPolicy Policy { get; set; } = SecurityPolicy.Default;

    public Task<SecurityPolicy> GetAsync(CancellationToken ct) => Task.FromResult(Policy);

    public Task SaveAsync(SecurityPolicy policy, string actor, CancellationToken ct) => throw new NotSupportedException();
}
