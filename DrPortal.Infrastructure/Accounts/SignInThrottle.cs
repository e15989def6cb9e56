using System.Collections.Concurrent;
using DrPortal.Core.Common;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// Slows password guessing instead of locking accounts (Identity's lockout let five anonymous requests lock the last
/// admin out). Failures are counted per (account, client address) and per client address; past a free allowance each
/// further attempt waits 1 s, 2 s, 4 s … up to <see cref="MaxWait"/>, whether the typed name exists or not. Per account
/// over all addresses there is only a low ceiling (<see cref="AccountCeiling"/>), so an attacker elsewhere can slow the
/// right user but never stop them. Counts are forgotten <see cref="Memory"/> after an address's last failure.
/// State is in memory: a restart forgets it, and a second portal node would count on its own (the multi-node issue
/// moves it to the database); in exchange a flood of failures costs no database writes.
/// </summary>
public sealed class SignInThrottle(IClock clock)
{
    public const int FreeFailuresPerAccountAndAddress = 5;
    public const int FreeFailuresPerAddress = 20;
    public const int FreeFailuresPerAccount = 20;
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan AccountCeiling = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(15);

    /// <summary>Beyond this many tracked keys, expired ones are dropped (a flood of invented names stays bounded).</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long this client must wait before its next attempt on this name, or null if it may try now.</summary>
    public TimeSpan? RetryAfter(string userName, string? clientAddress)
    {
        var now = clock.UtcNow;
        var wait = Max(
            Wait(PairKey(userName, clientAddress), FreeFailuresPerAccountAndAddress, MaxWait, now),
            Wait(AddressKey(clientAddress), FreeFailuresPerAddress, MaxWait, now),
            Wait(AccountKey(userName), FreeFailuresPerAccount, AccountCeiling, now));
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>The words for a throttled client, the same whether the name exists or not.</summary>
    public static string Refusal(TimeSpan wait) =>
        $"Too many attempts from this address; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.";

    public void RecordFailure(string userName, string? clientAddress)
    {
        var now = clock.UtcNow;
        foreach (var key in new[] { PairKey(userName, clientAddress), AddressKey(clientAddress), AccountKey(userName) })
        {
            _failures.AddOrUpdate(key, _ => new Failures(1, now), (_, f) => now - f.Last > Memory ? new Failures(1, now) : new Failures(f.Count + 1, now));
        }
        if (_failures.Count > PruneAbove)
        {
            foreach (var (key, f) in _failures)
            {
                if (now - f.Last > Memory)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>The right password from this address clears this address's count for the name (not the address's own count).</summary>
    public void RecordSuccess(string userName, string? clientAddress) => _failures.TryRemove(PairKey(userName, clientAddress), out _);

    private TimeSpan Wait(string key, int free, TimeSpan cap, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var f) || f.Count < free || now - f.Last > Memory)
        {
            return TimeSpan.Zero;
        }
        var exponent = Math.Min(f.Count - free, 20);
        var backOff = TimeSpan.FromSeconds(Math.Pow(2, exponent));
        return (backOff < cap ? backOff : cap) - (now - f.Last);
    }

    private static TimeSpan Max(params TimeSpan[] waits) => waits.Max();

    private static string Name(string userName) => userName.Trim().ToUpperInvariant();

    private static string PairKey(string userName, string? address) => $"p\n{address}\n{Name(userName)}";

    private static string AddressKey(string? address) => $"a\n{address}";

    private static string AccountKey(string userName) => $"u\n{Name(userName)}";

    private sealed record Failures(int Count, DateTimeOffset Last);
}
