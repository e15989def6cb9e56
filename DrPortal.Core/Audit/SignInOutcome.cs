namespace DrPortal.Core.Audit;

/// <summary>How an attempt to authenticate ended.</summary>
public enum SignInOutcome
{
    SignedIn,
    SignedOut,

    /// <summary>Wrong name or password, a disabled account, or an account that is locked already.</summary>
    Failed,

    /// <summary>This failed attempt locked the account.</summary>
    LockedOut,

    /// <summary>The password was right; the two-factor code is still to come.</summary>
    PasswordAccepted,
}
