using DrPortal.Core.Accounts;
using DrPortal.Core.Common;

namespace DrPortal.Tests.Components;

/// <summary>Sessions in a list; ending one removes it and remembers who ended it.</summary>
internal sealed class FakeUserSessions : IUserSessions
{
    public Dictionary<string, List<SessionSummary>> ByUser { get; } = [];
    public List<string> Ended { get; } = [];

    public Task<IReadOnlyList<SessionSummary>> ListAsync(string userId, string? currentSessionId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SessionSummary>>([.. Of(userId).Select(s => s with { IsCurrent = s.Id == currentSessionId })]);

    public Task<Result<SessionSummary>> EndAsync(string userId, string sessionId, string actor, CancellationToken ct)
    {
        var session = Of(userId).FirstOrDefault(s => s.Id == sessionId);
        if (session is null)
        {
            return Task.FromResult(Result<SessionSummary>.NotFound("This session does not exist or has already ended."));
        }
        Of(userId).Remove(session);
        Ended.Add(sessionId);
        return Task.FromResult(Result<SessionSummary>.Ok(session));
    }

    public Task<int> EndOthersAsync(string userId, string? keepSessionId, string actor, CancellationToken ct)
    {
        var others = Of(userId).Where(s => s.Id != keepSessionId).ToList();
        others.ForEach(s => Of(userId).Remove(s));
        Ended.AddRange(others.Select(s => s.Id));
        return Task.FromResult(others.Count);
    }

    public Task<Result<int>> EndAllAsync(string userId, string actor, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> IsActiveAsync(string sessionId, CancellationToken ct) => throw new NotSupportedException();

    public Task TouchAsync(string sessionId, CancellationToken ct) => Task.CompletedTask;

    private List<SessionSummary> Of(string userId) => ByUser.TryGetValue(userId, out var list) ? list : ByUser[userId] = [];
}
