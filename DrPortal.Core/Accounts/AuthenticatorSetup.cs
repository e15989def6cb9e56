namespace DrPortal.Core.Accounts;

/// <summary>
/// A new authenticator key waiting to be confirmed: <see cref="Key"/> (Base32) for manual entry and
/// <see cref="Uri"/> (otpauth://totp/…) for the QR code. Shown only to the user who is setting it up.
/// </summary>
public sealed record AuthenticatorSetup(string Key, string Uri);
