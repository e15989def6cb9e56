namespace DrPortal.Core.Accounts;

/// <summary>
/// The WebAuthn signature-counter rule (§6.1.1 of the specification): an authenticator that counts must present a
/// higher count at every use than the portal last saw. A count that did not grow means two authenticators hold the
/// same credential (a clone) or an old assertion is replayed, and the sign-in is refused. Authenticators that do not
/// count (many passkeys) always present 0; for them the rule cannot apply.
/// </summary>
public static class SecurityKeyCounter
{
    public static bool IsAcceptable(uint stored, uint presented) =>
        (stored == 0 && presented == 0) || presented > stored;
}
