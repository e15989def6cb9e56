using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtBackupPlannerTests
{
    private const string Uuid = "f06b5c6e-4996-4f01-8e9b-0c7f38d40a40";
    private const string BaseCheckpoint = "drportal-20261201T080000Z";
    private static readonly LibvirtBackupOptions Defaults = new(Incremental: true, FullEvery: 6, Compress: false);
    private static readonly string[] Vda = ["vda"];

    private static RestorePointInfo Base(int chain = 0, string? checkpoint = BaseCheckpoint, string uuid = Uuid, string[]? devs = null) =>
        new(41, "web01-20261201T080000Z",
            new LibvirtPointMetadata("20261201T080000Z", checkpoint, chain == 0 ? null : "drportal-20261130T080000Z", uuid, chain, "crash",
                (devs ?? Vda).Select(d => new LibvirtPointDisk(d, 64 << 20, $"web01-20261201T080000Z-{d}.qcow2")).ToList(), "web01-20261201T080000Z.xml", null).ToJson(),
            chain > 0, [], DateTimeOffset.UnixEpoch);

    private static LibvirtBackupPlan Plan(RestorePointInfo? basePoint, LibvirtBackupOptions? options = null, bool running = true, string uuid = Uuid,
        string[]? devs = null, bool allQcow2 = true, string[]? checkpoints = null) =>
        LibvirtBackupPlanner.Plan(options ?? Defaults, basePoint, running, uuid, devs ?? Vda, allQcow2, checkpoints ?? [BaseCheckpoint], "kvm-dc1");

    [Fact]
    public void Plan_BaseWithItsCheckpoint_IsIncrementalOnIt()
    {
        var plan = Plan(Base(chain: 2));

        Assert.True(plan.Incremental);
        Assert.True(plan.MakeCheckpoint);
        Assert.Equal(BaseCheckpoint, plan.BaseCheckpoint);
        Assert.Equal(3, plan.Chain);
        Assert.StartsWith("Incremental backup on restore point web01-20261201T080000Z", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoBase_IsFullAndSaysSo()
    {
        var plan = Plan(null);

        Assert.False(plan.Incremental);
        Assert.True(plan.MakeCheckpoint);
        Assert.Equal(0, plan.Chain);
        Assert.Contains("no earlier verified restore point", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CheckpointGoneOnTheHost_IsFullNamingTheCheckpoint()
    {
        var plan = Plan(Base(), checkpoints: ["drportal-20261130T080000Z"]);

        Assert.False(plan.Incremental);
        Assert.Contains($"checkpoint {BaseCheckpoint} of restore point web01-20261201T080000Z is gone on kvm-dc1", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DomainRedefined_IsFullNamingBothUuids()
    {
        var plan = Plan(Base(), uuid: "75f43acd-35a3-499e-b64f-218c49b55288");

        Assert.False(plan.Incremental);
        Assert.Contains("redefined", plan.Reason, StringComparison.Ordinal);
        Assert.Contains(Uuid, plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DiskAdded_IsFullListingTheDisks()
    {
        var plan = Plan(Base(), devs: ["vda", "vdb"]);

        Assert.False(plan.Incremental);
        Assert.Contains("vda then, vda, vdb now", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ChainAtFullEvery_IsFull()
    {
        var plan = Plan(Base(chain: 6));

        Assert.False(plan.Incremental);
        Assert.Contains("fullEvery 6", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FullEveryNever_KeepsTheChainGoing() =>
        Assert.True(Plan(Base(chain: 40), options: Defaults with { FullEvery = 0 }).Incremental);

    [Fact]
    public void Plan_IncrementalOff_IsFull() =>
        Assert.Contains("incremental backups are off", Plan(Base(), options: Defaults with { Incremental = false }).Reason, StringComparison.Ordinal);

    [Fact]
    public void Plan_StoppedDomain_IsFullWithoutACheckpoint()
    {
        var plan = Plan(Base(), running: false);

        Assert.False(plan.Incremental);
        Assert.False(plan.MakeCheckpoint);
        Assert.Contains("stopped", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RawDisk_IsFullWithoutACheckpoint()
    {
        var plan = Plan(Base(), allQcow2: false);

        Assert.False(plan.MakeCheckpoint);
        Assert.Contains("qcow2", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_BaseWithoutACheckpoint_IsFull() =>
        Assert.Contains("has no checkpoint", Plan(Base(checkpoint: null)).Reason, StringComparison.Ordinal);

    [Fact]
    public void Plan_BaseOfAnotherKind_IsFull() =>
        Assert.Contains("no libvirt metadata",
            Plan(new RestorePointInfo(7, "vzdump-qemu-100.vma.zst", null, false, [], DateTimeOffset.UnixEpoch)).Reason, StringComparison.Ordinal);
}
