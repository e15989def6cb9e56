namespace DrPortal.Core.Accounts;

/// <summary>Whether a user signs in with an authenticator code, and how many unused recovery codes they hold.</summary>
public sealed record TwoFactorStatus(bool IsEnabled, int RecoveryCodesLeft);
