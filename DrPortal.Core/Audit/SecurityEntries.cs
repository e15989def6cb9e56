namespace DrPortal.Core.Audit;

/// <summary>
/// The audit entries about who may do what: users and their roles, API tokens (with their owners) and sign-ins (with
/// client addresses). Viewers read the log of the disaster-recovery work but not these: a read-only account learns
/// nothing from them about other accounts to attack.
/// </summary>
public static class SecurityEntries
{
    public static readonly IReadOnlyList<string> EntityTypes = ["User", "ApiToken", SignInEvent.EntityType];
}
