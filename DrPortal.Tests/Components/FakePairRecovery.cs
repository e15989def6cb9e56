using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;

namespace DrPortal.Tests.Components;

/// <summary>A pair's recovery view as set by the test; saves are recorded and answered with <see cref="NextResult"/> or OK.</summary>
internal sealed class FakePairRecovery : IPairRecovery
{
    public IReadOnlyList<HostNetwork> Networks { get; set; } = [];
    public string? NetworksError { get; set; }
    public IReadOnlyList<VmNic> Nics { get; set; } = [];
    public string? NicsError { get; set; }
    public PairRecoveryInput Settings { get; set; } = new() { FailoverNetwork = [], DrillNetwork = [], BootCheck = BootCheck.Default };
    public List<(PairRecoveryInput Input, bool ActorIsAdmin)> Saved { get; } = [];
    public Result<VmPair>? NextResult { get; set; }

    public Task<Result<PairRecoveryView>> GetAsync(int pairId, CancellationToken ct) =>
        Task.FromResult(Result<PairRecoveryView>.Ok(new PairRecoveryView(pairId, Settings, Networks, NetworksError, Nics, NicsError)));

    public Task<Result<VmPair>> SaveAsync(int pairId, PairRecoveryInput input, string actor, bool actorIsAdmin, CancellationToken ct)
    {
        Saved.Add((input, actorIsAdmin));
        if (NextResult is { } next)
        {
            NextResult = null;
            return Task.FromResult(next);
        }
        var pair = new VmPair { Id = pairId };
        pair.ApplyRecovery(input);
        return Task.FromResult(Result<VmPair>.Ok(pair));
    }
}
