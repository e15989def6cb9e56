using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit;

public class ReplicaTargetRulesTests
{
    private const string Mine = "vmgenid:0b6a1e9c-3f0e-4c1e-9a51-6d3c2f1b7a10";

    private static VmPair Pair(bool overwrite = false, ReplicaStart start = ReplicaStart.Off, string? identity = Mine) =>
        new() { Id = 1, SourceVm = "100", TargetVm = "9100", OverwriteExistingTarget = overwrite, ReplicaStart = start, ReplicaIdentity = identity };

    [Fact]
    public void Decide_NothingAtTheTarget_CreatesIt()
    {
        var (fate, message) = ReplicaTargetRules.Decide(Pair(), "pve-dr1", ReplicaTargetFacts.Absent);

        Assert.Equal(TargetFate.Created, fate);
        Assert.Equal("VM 9100 on pve-dr1 does not exist yet: the restore creates it.", message);
    }

    [Theory]
    [InlineData(VmPowerState.Stopped, ReplicaStart.Off)]
    [InlineData(VmPowerState.Running, ReplicaStart.LinksDown)]
    [InlineData(VmPowerState.Running, ReplicaStart.Connected)]
    public void Decide_ThePairsOwnReplica_IsReplacedWithoutOverwrite(VmPowerState state, ReplicaStart start)
    {
        var (fate, message) = ReplicaTargetRules.Decide(Pair(start: start), "pve-dr1", new ReplicaTargetFacts(true, Mine, state));

        Assert.Equal(TargetFate.ReplacesOwnReplica, fate);
        Assert.Contains("is this pair's replica", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OwnReplicaRunningWhileThePairLeavesReplicasStopped_IsRefused()
    {
        var (fate, message) = ReplicaTargetRules.Decide(Pair(), "pve-dr1", new ReplicaTargetFacts(true, Mine, VmPowerState.Running));

        Assert.Equal(TargetFate.Refused, fate);
        Assert.Contains("someone started it", message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vmgenid:11111111-2222-3333-4444-555555555555", Mine)]
    [InlineData(null, Mine)]
    [InlineData(Mine, null)]
    public void Decide_AVmThePairCannotProveItsOwn_IsRefusedWithoutOverwrite(string? found, string? recorded)
    {
        var (fate, message) = ReplicaTargetRules.Decide(Pair(identity: recorded), "pve-dr1", new ReplicaTargetFacts(true, found, VmPowerState.Stopped));

        Assert.Equal(TargetFate.Refused, fate);
        Assert.Contains("was not created by this pair", message, StringComparison.Ordinal);
        Assert.Contains("turn on 'replace a VM this pair did not create'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SomeoneElsesVmWithOverwrite_IsReplaced()
    {
        var (fate, message) = ReplicaTargetRules.Decide(Pair(overwrite: true, identity: null), "pve-dr1", new ReplicaTargetFacts(true, "vmgenid:x", VmPowerState.Running));

        Assert.Equal(TargetFate.ReplacesOther, fate);
        Assert.Contains("stopped and replaced", message, StringComparison.Ordinal);
    }
}
