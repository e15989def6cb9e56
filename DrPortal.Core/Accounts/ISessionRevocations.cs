namespace DrPortal.Core.Accounts;

/// <summary>
/// Tells open pages of a user at once that their sessions may have ended (a session deleted, the user disabled, a
/// password reset or changed, a role changed), so they re-check now instead of at the next periodic revalidation.
/// In-process only: the periodic revalidation remains the backstop (and covers other portal nodes).
/// </summary>
public interface ISessionRevocations
{
    /// <summary>Tells every subscriber of <paramref name="userId"/> to re-check.</summary>
    void Revoked(string userId);

    /// <summary>Calls <paramref name="recheck"/> whenever sessions of <paramref name="userId"/> are revoked, until disposed.</summary>
    IDisposable Subscribe(string userId, Action recheck);
}
