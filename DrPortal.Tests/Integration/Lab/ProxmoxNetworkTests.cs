using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// The Proxmox driver's DR operations against pve-dr1 through SSH and the emulator: the node's bridges (vmbr0 with an
/// uplink, the isolated vmbr9 that lab.sh writes), a network mapping applied and read back, a missing bridge refused
/// before any change, and the lab's guests (a marker in the first disk) answering the agent ping, halting, shutting down.
/// VMIDs 9700-9799 are this class's own.
/// </summary>
[Collection(LabCollection.Name)]
public class ProxmoxNetworkTests(LabPortalFixture portal)
{
    private const string HostName = "pve-dr1";

    private IHypervisorDriver Driver => portal.Services.GetServices<IHypervisorDriver>().Single(d => d.Profile.Kind == HypervisorKind.Proxmox);

    private async Task<Hypervisor> HostAsync() =>
        (await portal.Services.GetRequiredService<IHypervisorStore>().FindAsync(portal.Hosts[HostName].Id, CancellationToken.None))!;

    private static async Task WithVmAsync(int vmid, Func<VmRef, Task> test, params string[] guest)
    {
        var id = vmid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Support.Lab.RunAsync("vm", "create", HostName, id, "--size", "8M", "--fill", "0.1");
        try
        {
            if (guest.Length > 0)
            {
                await Support.Lab.RunAsync(["vm", "guest", HostName, id, .. guest]);
            }
            await test(VmRef.Of(id));
        }
        finally
        {
            await Support.Lab.RunAsync("vm", "destroy", HostName, id);
        }
    }

    private static Task<string> QmAsync(params string[] arguments) => Support.Lab.ExecAsync(HostName, ["qm", .. arguments]);

    private static async Task<VmPowerState> WaitForStateAsync(IHypervisorDriver driver, Hypervisor host, VmRef vm, VmPowerState wanted, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var state = await driver.GetStatusAsync(host, vm, CancellationToken.None);
        while (state != wanted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            state = await driver.GetStatusAsync(host, vm, CancellationToken.None);
        }
        return state;
    }

    [Fact]
    public async Task ListNetworksAsync_RecoveryHost_Vmbr0HasAnUplink_Vmbr9IsIsolated()
    {
        var networks = (await Driver.ListNetworksAsync(await HostAsync(), CancellationToken.None)).ToDictionary(n => n.Name);

        Assert.False(networks["vmbr0"].Isolated, networks["vmbr0"].Detail);
        Assert.True(networks["vmbr9"].Isolated, networks["vmbr9"].Detail);
        Assert.Contains("drill", networks["vmbr9"].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyNetworkAsync_IsolatedTagNewMacLinkDown_ListNicsShowsIt_WithANewMac()
    {
        var host = await HostAsync();
        await WithVmAsync(9700, async vm =>
        {
            var before = Assert.Single(await Driver.ListNicsAsync(host, vm, CancellationToken.None));

            var applied = await Driver.ApplyNetworkAsync(host, vm, [new NicMapping("net0", "vmbr9", 20, MacPolicy.New, LinkUp: false)], CancellationToken.None);

            var after = Assert.Single(await Driver.ListNicsAsync(host, vm, CancellationToken.None));
            Assert.Equal(after, Assert.Single(applied));
            Assert.Equal(("net0", "vmbr9", (int?)20, false, "virtio"), (after.Id, after.Network, after.VlanTag, after.LinkUp, after.Model));
            Assert.NotEqual(before.Mac, after.Mac);
            Assert.Matches("^BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}$", after.Mac);
            // The NIC's own options survive the mapping, and the VM starts on the isolated bridge.
            Assert.Contains("firewall=1", await QmAsync("config", vm.Value), StringComparison.Ordinal);
            await Driver.StartAsync(host, vm, CancellationToken.None);
            Assert.Equal(VmPowerState.Running, await Driver.GetStatusAsync(host, vm, CancellationToken.None));
        });
    }

    [Fact]
    public async Task ApplyNetworkAsync_MissingBridge_NamesItAndTheExistingOnes_ConfigUnchanged()
    {
        var host = await HostAsync();
        await WithVmAsync(9701, async vm =>
        {
            var config = await QmAsync("config", vm.Value);

            var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
                Driver.ApplyNetworkAsync(host, vm, [new NicMapping("net0", "vmbr7", null, MacPolicy.Keep, LinkUp: true)], CancellationToken.None));

            Assert.Contains("vmbr7", ex.Message, StringComparison.Ordinal);
            Assert.Contains("vmbr0, vmbr9", ex.Message, StringComparison.Ordinal);
            Assert.Equal(config, await QmAsync("config", vm.Value));
        });
    }

    [Fact]
    public async Task PingGuestAgentAsync_AgentGuest_AnswersAfterStart()
    {
        var host = await HostAsync();
        await WithVmAsync(9702, async vm =>
        {
            await QmAsync("set", vm.Value, "--agent", "1");
            Assert.Equal(GuestAgentState.VmNotRunning, (await Driver.PingGuestAgentAsync(host, vm, CancellationToken.None)).State);
            await Driver.StartAsync(host, vm, CancellationToken.None);

            var reply = await Driver.PingGuestAgentAsync(host, vm, CancellationToken.None);

            Assert.True(reply.State == GuestAgentState.Answered, reply.Detail);
        }, "--agent", "--boot", "1");
    }

    [Fact]
    public async Task PingGuestAgentAsync_GuestWithoutAgent_NotConfiguredThenNoAnswer()
    {
        var host = await HostAsync();
        await WithVmAsync(9703, async vm =>
        {
            await Driver.StartAsync(host, vm, CancellationToken.None);
            var unconfigured = await Driver.PingGuestAgentAsync(host, vm, CancellationToken.None);
            await Driver.StopAsync(host, vm, CancellationToken.None);
            await QmAsync("set", vm.Value, "--agent", "1");
            await Driver.StartAsync(host, vm, CancellationToken.None);

            var silent = await Driver.PingGuestAgentAsync(host, vm, CancellationToken.None);

            Assert.Equal((GuestAgentState.NotConfigured, "No QEMU guest agent configured"), (unconfigured.State, unconfigured.Detail));
            Assert.Equal((GuestAgentState.NoAnswer, "QEMU guest agent is not running"), (silent.State, silent.Detail));
        });
    }

    [Fact]
    public async Task StartAsync_HaltAfterTwoSeconds_TheVmIsStoppedAFewSecondsLater()
    {
        var host = await HostAsync();
        await WithVmAsync(9704, async vm =>
        {
            await Driver.StartAsync(host, vm, CancellationToken.None);
            Assert.Equal(VmPowerState.Running, await Driver.GetStatusAsync(host, vm, CancellationToken.None));

            var state = await WaitForStateAsync(Driver, host, vm, VmPowerState.Stopped, TimeSpan.FromSeconds(10));

            Assert.Equal(VmPowerState.Stopped, state);
        }, "--halt-after", "2");
    }

    [Fact]
    public async Task ShutdownAsync_AgentGuest_IsStopped_AndAGuestIgnoringAcpiStillRuns()
    {
        var host = await HostAsync();
        await WithVmAsync(9705, async vm =>
        {
            await QmAsync("set", vm.Value, "--agent", "1");
            await Driver.StartAsync(host, vm, CancellationToken.None);
            await Driver.ShutdownAsync(host, vm, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal(VmPowerState.Stopped, await Driver.GetStatusAsync(host, vm, CancellationToken.None));
            // Already stopped: a silent success.
            await Driver.ShutdownAsync(host, vm, TimeSpan.FromSeconds(10), CancellationToken.None);
        }, "--agent", "--acpi", "0");
        await WithVmAsync(9706, async vm =>
        {
            await Driver.StartAsync(host, vm, CancellationToken.None);

            var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() => Driver.ShutdownAsync(host, vm, TimeSpan.FromSeconds(2), CancellationToken.None));

            Assert.Contains("still runs", ex.Message, StringComparison.Ordinal);
            Assert.Equal(VmPowerState.Running, await Driver.GetStatusAsync(host, vm, CancellationToken.None));
        }, "--acpi", "0");
    }

    [Fact]
    public async Task FreeScratchVmAsync_RecoveryHost_AFreeVmidFrom900000Up()
    {
        var host = await HostAsync();

        var first = await Driver.FreeScratchVmAsync(host, "web01", new HashSet<string>(), CancellationToken.None);
        var second = await Driver.FreeScratchVmAsync(host, "web02", new HashSet<string> { first.Value }, CancellationToken.None);

        Assert.True(int.Parse(first.Value, System.Globalization.CultureInfo.InvariantCulture) >= 900_000, first.Value);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain($" {first.Value} ", await QmAsync("list"), StringComparison.Ordinal);
    }
}
