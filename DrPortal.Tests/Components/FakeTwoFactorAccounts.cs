using DrPortal.Core.Accounts;
using DrPortal.Core.Common;

namespace DrPortal.Tests.Components;

/// <summary>Two-factor state for component tests: off, and never changed (the real service is tested against MariaDB).</summary>
internal sealed class FakeTwoFactorAccounts : ITwoFactorAccounts
{
    public Task<TwoFactorStatus> GetStatusAsync(string userId, CancellationToken ct) => Task.FromResult(new TwoFactorStatus(false, 0));

    public Task<IReadOnlySet<string>> EnabledUserIdsAsync(CancellationToken ct) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task<Result<AuthenticatorSetup>> BeginSetupAsync(string userId, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<IReadOnlyList<string>>> EnableAsync(string userId, string? code, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(string userId, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<TwoFactorStatus>> DisableAsync(string userId, string? codeOrPassword, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<TwoFactorStatus>> ResetAsync(string userId, string actor, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> CheckSecondFactorAsync(string userId, string? code, CancellationToken ct) => throw new NotSupportedException();
}
