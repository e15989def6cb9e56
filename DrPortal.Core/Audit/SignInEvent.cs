namespace DrPortal.Core.Audit;

/// <summary>
/// One authentication event for the audit log: who (the name as typed, for a failure), how it ended, through which
/// door (<see cref="Via"/>: the login page, API token creation) and from which client address. Never the password.
/// </summary>
public sealed record SignInEvent(string UserName, SignInOutcome Outcome, string Via, string? ClientAddress, string? Detail = null)
{
    public const string EntityType = "Authentication";

    public const string LoginPage = "login page";

    public const string TokenCreation = "API token creation";

    public const string TwoFactorStep = "two-factor step";

    /// <summary>Attempted names are user input of any length; the audit keeps enough to recognise them.</summary>
    private const int NameMaxLength = 64;

    public string Actor => Shorten(string.IsNullOrWhiteSpace(UserName) ? "(no name)" : UserName.Trim());

    public string Action => Outcome switch
    {
        SignInOutcome.SignedIn => "sign-in",
        SignInOutcome.SignedOut => "sign-out",
        SignInOutcome.LockedOut => "lockout",
        SignInOutcome.PasswordAccepted => "sign-in-password-accepted",
        _ => "sign-in-failed",
    };

    public string Summary
    {
        get
        {
            var from = ClientAddress is null ? "" : $" from {ClientAddress}";
            var detail = Detail is null ? "" : $": {Detail}";
            return Outcome switch
            {
                SignInOutcome.SignedIn => $"{Actor} signed in{from} ({Via})",
                SignInOutcome.SignedOut => $"{Actor} signed out{from}",
                SignInOutcome.PasswordAccepted => $"{Actor} gave the right password{from} ({Via}); two-factor code asked",
                SignInOutcome.LockedOut => $"Account {Actor} locked after repeated failed sign-ins{from} ({Via})",
                _ => $"Failed sign-in as '{Actor}'{from} ({Via}){detail}",
            };
        }
    }

    public Task RecordAsync(IAuditLog audit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(Actor, Action, EntityType, null, Summary, null, new { Via, ClientAddress, Outcome = Outcome.ToString(), Detail }, ct);
    }

    private static string Shorten(string name)
    {
        // A typed name may hold control characters; they are replaced so every entry reads on one line.
        var clean = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > NameMaxLength ? clean[..NameMaxLength] + "…" : clean;
    }
}
