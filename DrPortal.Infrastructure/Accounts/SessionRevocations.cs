using System.Collections.Concurrent;
using DrPortal.Core.Accounts;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>The in-process <see cref="ISessionRevocations"/>: subscribers keyed by user, so a revocation wakes only that user's pages.</summary>
internal sealed class SessionRevocations(ILogger<SessionRevocations> logger) : ISessionRevocations
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _byUser = new(StringComparer.Ordinal);

    public void Revoked(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var subscribers))
        {
            return;
        }
        foreach (var subscription in subscribers.Keys)
        {
            try
            {
                subscription.Recheck();
            }
            catch (Exception ex)
            {
                // One broken page must not keep the others of the user open.
                logger.LogWarning(ex, "A page of user {UserId} failed to re-check its session", userId);
            }
        }
    }

    public IDisposable Subscribe(string userId, Action recheck)
    {
        var subscription = new Subscription(this, userId, recheck);
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        if (_byUser.TryGetValue(subscription.UserId, out var subscribers))
        {
            subscribers.TryRemove(subscription, out _);
            if (subscribers.IsEmpty)
            {
                // Another subscriber may have joined meanwhile; only an empty set is dropped.
                _byUser.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.UserId, subscribers));
            }
        }
    }

    private sealed class Subscription(SessionRevocations owner, string userId, Action recheck) : IDisposable
    {
        public string UserId { get; } = userId;
        public Action Recheck { get; } = recheck;

        public void Dispose() => owner.Remove(this);
    }
}
