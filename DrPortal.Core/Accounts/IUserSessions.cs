using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

/// <summary>The browser sessions of users: listed, ended one by one, all but the current one, or all (by an admin).</summary>
public interface IUserSessions
{
    /// <summary>The user's sessions that have not ended, newest activity first; <paramref name="currentSessionId"/> is marked.</summary>
    Task<IReadOnlyList<SessionSummary>> ListAsync(string userId, string? currentSessionId, CancellationToken ct);

    /// <summary>Ends one session of <paramref name="userId"/>; <see cref="ResultStatus.NotFound"/> when it is not theirs or gone.</summary>
    Task<Result<SessionSummary>> EndAsync(string userId, string sessionId, string actor, CancellationToken ct);

    /// <summary>"Sign out everywhere else": ends every session of the user but <paramref name="keepSessionId"/>; audited. Returns how many ended.</summary>
    Task<int> EndOthersAsync(string userId, string? keepSessionId, string actor, CancellationToken ct);

    /// <summary>An admin ends every session of a user; audited. <see cref="ResultStatus.NotFound"/> for an unknown user.</summary>
    Task<Result<int>> EndAllAsync(string userId, string actor, CancellationToken ct);

    /// <summary>Whether the session still exists and has not ended under the policy (ended ones are purged).</summary>
    Task<bool> IsActiveAsync(string sessionId, CancellationToken ct);

    /// <summary>Records activity on an open page (written at most once per <see cref="SessionLifetime.LastSeenPrecision"/>).</summary>
    Task TouchAsync(string sessionId, CancellationToken ct);
}
