using System.Collections.Concurrent;
using DrPortal.Core.Common;

namespace DrPortal.Web.Auth;

/// <summary>
/// Wrong second-factor codes per user, across the login page and API token creation: after
/// <see cref="MaxFailures"/> within <see cref="Window"/> no code is accepted until the window ends, so someone who
/// knows the password gets five guesses at a million codes, not unlimited ones. Identity's own failure counting is not
/// relied on (the portal throttles sign-ins itself). Kept in memory: only users past the password step have an entry.
/// </summary>
internal sealed class TwoFactorAttempts(IClock clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset Since)> _failures = new();

    public bool IsBlocked(string userId) =>
        _failures.TryGetValue(userId, out var f) && clock.UtcNow - f.Since < Window && f.Count >= MaxFailures;

    /// <summary>Counts one wrong code and returns how many there were in the current window.</summary>
    public int RecordFailure(string userId)
    {
        var now = clock.UtcNow;
        return _failures.AddOrUpdate(userId, _ => (1, now), (_, f) => now - f.Since >= Window ? (1, now) : (f.Count + 1, f.Since)).Count;
    }

    public void Clear(string userId) => _failures.TryRemove(userId, out _);
}
