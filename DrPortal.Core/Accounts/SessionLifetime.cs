namespace DrPortal.Core.Accounts;

/// <summary>When a browser session ends under a <see cref="SecurityPolicy"/>: idle too long, or too long since sign-in.</summary>
public static class SessionLifetime
{
    /// <summary>Last-seen is written at most this often, so busy pages do not write on every request.</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);

    /// <summary>The earlier of idle timeout after the last activity and the absolute lifetime after sign-in (and the expiry fixed at sign-in).</summary>
    public static DateTimeOffset EndsAt(SecurityPolicy policy, UserSession session)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(session);
        var idle = session.LastSeenAt + policy.SessionIdleTimeout;
        var absolute = session.CreatedAt + policy.SessionAbsoluteLifetime;
        return new[] { idle, absolute, session.ExpiresAt }.Min();
    }

    public static bool HasEnded(SecurityPolicy policy, UserSession session, DateTimeOffset now) => now >= EndsAt(policy, session);

    /// <summary>Whether activity at <paramref name="now"/> is worth writing down.</summary>
    public static bool NeedsTouch(UserSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return now - session.LastSeenAt >= LastSeenPrecision;
    }
}
