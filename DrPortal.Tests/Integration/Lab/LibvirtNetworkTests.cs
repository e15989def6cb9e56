using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// The libvirt driver's DR operations on real libvirtd and QEMU: the lab guest (lab/guest) boots by direct kernel boot,
/// its guest agent answers, a graceful shutdown stops it, a NIC mapping redefines the domain onto the isolated
/// br-drill, a missing bridge changes nothing, and a backed-up and restored guest boots and answers on kvm-dr1.
/// </summary>
[Collection(LabCollection.Name)]
public class LibvirtNetworkTests(LabPortalFixture portal, ITestOutputHelper output)
{
    // TCG on two shared cores: 13 s from start to the agent's first answer with the lab idle, 25 s while other tests ran.
    private static readonly TimeSpan AgentBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task BootAgentDomain_Started_AgentAnswersWithinTheBoundAndShutdownStopsIt()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        var vm = VmRef.Of("n12-agent");
        await CreateAsync("kvm-dr1", "n12-agent", "--boot", "--agent");
        try
        {
            Assert.Equal(GuestAgentState.VmNotRunning, (await driver.PingGuestAgentAsync(host, vm, CancellationToken.None)).State);

            await driver.StartAsync(host, vm, CancellationToken.None);
            var answeredAfter = await WaitForAgentAsync(driver, host, vm);
            output.WriteLine($"n12-agent on kvm-dr1: virsh start to the agent's first guest-ping answer: {answeredAfter.TotalSeconds:0.0} s");
            Assert.Contains("DRLAB-BOOTED", await SerialAsync("kvm-dr1", "n12-agent"), StringComparison.Ordinal);

            var shutdown = Stopwatch.StartNew();
            await driver.ShutdownAsync(host, vm, ShutdownTimeout, CancellationToken.None);
            output.WriteLine($"ShutdownAsync (guest agent) took {shutdown.Elapsed.TotalSeconds:0.0} s");

            Assert.Equal(VmPowerState.Stopped, await driver.GetStatusAsync(host, vm, CancellationToken.None));
            Assert.Contains("DRLAB-SHUTDOWN", await SerialAsync("kvm-dr1", "n12-agent"), StringComparison.Ordinal);
            Assert.Equal(GuestAgentState.VmNotRunning, (await driver.PingGuestAgentAsync(host, vm, CancellationToken.None)).State);
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "n12-agent"));
        }
    }

    [Fact]
    public async Task BootDomainWithoutAgent_Ping_NotConfiguredAndShutdownGoesThroughAcpi()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        var vm = VmRef.Of("n12-noagent");
        await CreateAsync("kvm-dr1", "n12-noagent", "--boot");
        try
        {
            await driver.StartAsync(host, vm, CancellationToken.None);

            var reply = await driver.PingGuestAgentAsync(host, vm, CancellationToken.None);
            Assert.Equal(GuestAgentState.NotConfigured, reply.State);
            Assert.Contains("not configured", reply.Detail, StringComparison.Ordinal);

            // The guest listens to its power button only once it has booted.
            await WaitForSerialAsync("kvm-dr1", "n12-noagent", "DRLAB-MARKER");
            await driver.ShutdownAsync(host, vm, ShutdownTimeout, CancellationToken.None);
            Assert.Equal(VmPowerState.Stopped, await driver.GetStatusAsync(host, vm, CancellationToken.None));
            Assert.Contains("DRLAB-ACPI-POWER", await SerialAsync("kvm-dr1", "n12-noagent"), StringComparison.Ordinal);
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "n12-noagent"));
        }
    }

    [Fact]
    public async Task HaltAfterThree_Started_IsShutOffAFewSecondsAfterBoot()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        var vm = VmRef.Of("n12-halt");
        await CreateAsync("kvm-dr1", "n12-halt", "--boot", "--halt-after", "3");
        try
        {
            await driver.StartAsync(host, vm, CancellationToken.None);
            var started = Stopwatch.StartNew();

            while (await driver.GetStatusAsync(host, vm, CancellationToken.None) != VmPowerState.Stopped)
            {
                Assert.True(started.Elapsed < AgentBound, $"n12-halt still runs {started.Elapsed.TotalSeconds:0} s after its start.");
                await Task.Delay(500);
            }
            output.WriteLine($"n12-halt (halt-after 3) was shut off {started.Elapsed.TotalSeconds:0.0} s after its start");

            var serial = await SerialAsync("kvm-dr1", "n12-halt");
            Assert.Contains("DRLAB-MARKER agent=0 halt-after=3", serial, StringComparison.Ordinal);
            Assert.Contains("DRLAB-HALT", serial, StringComparison.Ordinal);
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "n12-halt"));
        }
    }

    [Fact]
    public async Task ApplyNetwork_DrillBridgeLinkDownNewMac_ShownByListNicsAndTheXml()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        var vm = VmRef.Of("n12-net");
        await CreateAsync("kvm-dr1", "n12-net");
        try
        {
            var networks = await driver.ListNetworksAsync(host, CancellationToken.None);
            Assert.True(networks.Single(n => n.Name == "br-drill").Isolated);
            Assert.False(networks.Single(n => n.Name == "br0").Isolated);
            var before = Assert.Single(await driver.ListNicsAsync(host, vm, CancellationToken.None));
            Assert.Equal(("net0", "br0", true, "virtio"), (before.Id, before.Network, before.LinkUp, before.Model));

            var applied = await driver.ApplyNetworkAsync(host, vm, [new NicMapping("net0", "br-drill", null, MacPolicy.New, LinkUp: false)], CancellationToken.None);

            var after = Assert.Single(await driver.ListNicsAsync(host, vm, CancellationToken.None));
            Assert.Equal(after, Assert.Single(applied));
            Assert.Equal(("net0", "br-drill", false), (after.Id, after.Network, after.LinkUp));
            Assert.NotNull(after.Mac);
            Assert.NotEqual(before.Mac, after.Mac);
            Assert.Equal(after.Mac!.ToUpperInvariant(), after.Mac);
            var xml = await Virsh("kvm-dr1", "dumpxml", "--domain", "n12-net", "--inactive");
            Assert.Contains("<source bridge='br-drill'/>", xml, StringComparison.Ordinal);
            Assert.Contains("<link state='down'/>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain(before.Mac!.ToLowerInvariant(), xml, StringComparison.Ordinal);
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "n12-net"));
        }
    }

    [Fact]
    public async Task ApplyNetwork_MissingBridgeOrVlanOnALinuxBridge_FailsNamingWhyAndTheXmlIsUnchanged()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        var vm = VmRef.Of("n12-miss");
        await CreateAsync("kvm-dr1", "n12-miss");
        try
        {
            var before = await Virsh("kvm-dr1", "dumpxml", "--domain", "n12-miss", "--inactive");

            var missing = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
                driver.ApplyNetworkAsync(host, vm, [new NicMapping("net0", "br-nowhere", null, MacPolicy.New, LinkUp: false)], CancellationToken.None));
            var tagged = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
                driver.ApplyNetworkAsync(host, vm, [new NicMapping("net0", "br-drill", 42, MacPolicy.Keep, LinkUp: true)], CancellationToken.None));
            var unknownNic = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
                driver.ApplyNetworkAsync(host, vm, [NicMapping.Isolated("net1")], CancellationToken.None));

            Assert.Contains("Network br-nowhere does not exist on kvm-dr1; it has: ", missing.Message, StringComparison.Ordinal);
            Assert.Contains("br-drill (isolated)", missing.Message, StringComparison.Ordinal);
            Assert.Contains("br0", missing.Message, StringComparison.Ordinal);
            Assert.Contains("VLAN tag 42 cannot be set on br-drill", tagged.Message, StringComparison.Ordinal);
            Assert.Contains("has no NIC 'net1'; it has net0", unknownNic.Message, StringComparison.Ordinal);
            Assert.Equal(before, await Virsh("kvm-dr1", "dumpxml", "--domain", "n12-miss", "--inactive"));
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "n12-miss"));
        }
    }

    [Fact]
    public async Task FreeScratchVm_NameTakenOnTheHostOrByTheDrill_NextSuffix()
    {
        var (driver, host) = await DriverAsync("kvm-dr1");
        await CreateAsync("kvm-dr1", "drill-n12-scratch");
        try
        {
            var free = await driver.FreeScratchVmAsync(host, "n12-scratch", new HashSet<string>(), CancellationToken.None);
            var next = await driver.FreeScratchVmAsync(host, "n12-scratch", new HashSet<string> { "drill-n12-scratch-2" }, CancellationToken.None);

            Assert.Equal("drill-n12-scratch-2", free.Value);
            Assert.Equal("drill-n12-scratch-3", next.Value);
            Assert.False(await driver.VmExistsAsync(host, free, CancellationToken.None));
        }
        finally
        {
            await DestroyAsync(("kvm-dr1", "drill-n12-scratch"));
        }
    }

    [Fact]
    public async Task Replicate_BootAgentDomain_TheRestoredCopyBootsAndAnswersTheAgentOnKvmDr1()
    {
        var (driver, dr) = await DriverAsync("kvm-dr1");
        await CreateAsync("kvm-dc1", "n12-src", "--boot", "--agent");
        var pair = await PairAsync(portal.Hosts["kvm-dc1"], "n12-src", portal.Hosts["kvm-dr1"], "n12-src-dr");
        try
        {
            // The pipeline's own path: backup on kvm-dc1, through the portal, restore and start on kvm-dr1.
            var accepted = await TaskApi.RequestAsync(portal.Admin, pair.Id, "replicate");
            var task = await TaskApi.WaitAsync(portal.Admin, accepted.TaskId, TaskTimeout);
            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}");
            var vm = VmRef.Of("n12-src-dr");

            var answeredAfter = await WaitForAgentAsync(driver, dr, vm);
            output.WriteLine($"restored n12-src-dr on kvm-dr1: the agent answered {answeredAfter.TotalSeconds:0.0} s after the task ended");

            var xml = await Virsh("kvm-dr1", "dumpxml", "--domain", "n12-src-dr", "--inactive");
            Assert.Contains("<kernel>/usr/local/lib/drlab-guest/vmlinuz</kernel>", xml, StringComparison.Ordinal);
            Assert.Contains("/var/log/libvirt/qemu/n12-src-dr-serial0.log", xml, StringComparison.Ordinal);
            Assert.Contains("DRLAB-MARKER agent=1", await Support.Lab.ExecAsync("kvm-dr1", "cat", "/var/log/libvirt/qemu/n12-src-dr-serial0.log"), StringComparison.Ordinal);
            await driver.ShutdownAsync(dr, vm, ShutdownTimeout, CancellationToken.None);
            Assert.Equal(VmPowerState.Stopped, await driver.GetStatusAsync(dr, vm, CancellationToken.None));
        }
        finally
        {
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await DestroyAsync(("kvm-dc1", "n12-src"), ("kvm-dr1", "n12-src-dr"));
        }
    }

    private async Task<(IHypervisorDriver Driver, Hypervisor Host)> DriverAsync(string name)
    {
        var dto = portal.Hosts[name];
        Assert.Equal(HypervisorKind.Libvirt, dto.Kind);
        var driver = portal.Services.GetServices<IHypervisorDriver>().Single(d => d.Profile.Kind == HypervisorKind.Libvirt);
        var host = (await portal.Services.GetRequiredService<IHypervisorStore>().FindAsync(dto.Id, CancellationToken.None))!;
        return (driver, host);
    }

    private static async Task<TimeSpan> WaitForAgentAsync(IHypervisorDriver driver, Hypervisor host, VmRef vm)
    {
        var clock = Stopwatch.StartNew();
        GuestAgentReply reply;
        while ((reply = await driver.PingGuestAgentAsync(host, vm, CancellationToken.None)).State != GuestAgentState.Answered)
        {
            Assert.True(reply.State == GuestAgentState.NoAnswer, $"{vm}: {reply.State}: {reply.Detail}");
            Assert.True(clock.Elapsed < AgentBound, $"The guest agent of {vm} did not answer within {AgentBound.TotalSeconds:0} s: {reply.Detail}");
            await Task.Delay(250);
        }
        return clock.Elapsed;
    }

    private static async Task WaitForSerialAsync(string host, string domain, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!(await SerialAsync(host, domain)).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < AgentBound, $"{domain} did not write '{text}' on its console within {AgentBound.TotalSeconds:0} s.");
            await Task.Delay(500);
        }
    }

    private async Task<VmPairDto> PairAsync(HypervisorDto source, string sourceDomain, HypervisorDto target, string targetDomain)
    {
        var response = await portal.Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = source.Id,
            sourceVm = sourceDomain,
            targetHypervisorId = target.Id,
            targetVm = targetDomain,
            replicaStart = "Connected",
            overwriteExistingTarget = true,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private static Task<string> CreateAsync(string host, string name, params string[] options) =>
        Support.Lab.RunAsync(["vm", "create", host, name, "--size", "32M", "--fill", "0.5", .. options]);

    private static Task<string> SerialAsync(string host, string domain) => Support.Lab.RunAsync("vm", "serial", host, domain);

    private static Task<string> Virsh(string host, params string[] arguments) =>
        Support.Lab.ExecAsync(host, ["virsh", "-c", "qemu:///system", .. arguments]);

    private static async Task DestroyAsync(params (string Host, string Domain)[] domains)
    {
        foreach (var (host, domain) in domains)
        {
            try
            {
                await Support.Lab.RunAsync("vm", "destroy", host, domain);
            }
            catch (InvalidOperationException)
            {
                // Not made, or already gone: nothing of it is left to remove.
            }
        }
    }
}
