using DrPortal.Core.Archives;

namespace DrPortal.Tests.Components;

/// <summary>Records who asked to verify everything; queues nothing (the real one is tested against MariaDB in the browser tests).</summary>
internal sealed class FakeRepositoryVerification : IRepositoryVerification
{
    public List<string> Requests { get; } = [];

    public Task<VerifyAllOutcome> RequestAllAsync(string actor, CancellationToken ct)
    {
        Requests.Add(actor);
        return Task.FromResult(new VerifyAllOutcome([], 0));
    }
}
