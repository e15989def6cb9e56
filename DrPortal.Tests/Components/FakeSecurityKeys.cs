using DrPortal.Core.Accounts;
using DrPortal.Core.Common;

namespace DrPortal.Tests.Components;

/// <summary>Security keys for component tests: the listed ones, never changed (the real service is tested against MariaDB and Chromium).</summary>
internal sealed class FakeSecurityKeys : ISecurityKeys
{
    public List<SecurityKeySummary> Keys { get; } = [];

    public Task<IReadOnlyList<SecurityKeySummary>> ListAsync(string userId, CancellationToken ct) => Task.FromResult<IReadOnlyList<SecurityKeySummary>>(Keys);

    public Task<bool> HasAnyAsync(string userId, CancellationToken ct) => Task.FromResult(Keys.Count > 0);


    public Task<Result<SecurityKeyChallenge>> BeginRegistrationAsync(string userId, RelyingParty party, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<SecurityKeySummary>> CompleteRegistrationAsync(string userId, string state, string? attestationJson, string? name, RelyingParty party, CancellationToken ct) =>
        throw new NotSupportedException();

    public Task<Result<SecurityKeySummary>> RemoveAsync(string userId, int keyId, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<SecurityKeyChallenge>> BeginSignInAsync(string userId, RelyingParty party, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<SecurityKeySummary>> CompleteSignInAsync(string userId, string? state, string? assertionJson, RelyingParty party, CancellationToken ct) =>
        throw new NotSupportedException();
}
