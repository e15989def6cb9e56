using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>The driver's DR operations over a routed shell: which commands run, in which order, and what is refused before any change.</summary>
public class ProxmoxNetworkDriverTests
{
    private static readonly Hypervisor Host = new() { Id = 2, Name = "pve-dr1", Address = "10.250.0.21", StagingDirectory = "/var/lib/vz/dump" };

    private const string Networks =
        """[{"iface":"vmbr9","type":"bridge","bridge_ports":"","bridge_fd":0},{"iface":"vmbr0","type":"bridge","bridge_ports":"eno1","bridge_fd":"0"},{"iface":"eno1","type":"eth"}]""";

    private const string ConfigBefore = "name: web01\nnet0: virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1\nscsi0: local:9100/vm-9100-disk-0.raw,size=32M\n";

    private const string ConfigAfter = "name: web01\nnet0: virtio=BC:24:11:77:66:55,bridge=vmbr9,firewall=1,link_down=1,tag=20\nscsi0: local:9100/vm-9100-disk-0.raw,size=32M\n";

    private static ProxmoxDriver DriverOver(IRemoteShell shell) => new(new HostCommandRunner(shell), new ProxmoxProfile());

    private static RemoteResult Ok(string stdout = "", string stderr = "") => new(0, stdout, stderr);

    [Fact]
    public async Task ApplyNetworkAsync_Mapping_ChecksBridgesAndStatusFirst_SetsOnce_ReturnsTheReadBack()
    {
        var configs = new Queue<string>([ConfigBefore, ConfigAfter]);
        var shell = new ProxmoxRoutedShell()
            .On("qm config 9100", () => Ok(configs.Dequeue()))
            .On("pvesh get /nodes/localhost/network", Ok(Networks + "\n"))
            .On("qm status 9100", Ok("status: stopped\n"))
            .On("qm set 9100", Ok("update VM 9100: -net0 virtio,bridge=vmbr9,firewall=1,link_down=1,tag=20\n"));

        var nics = await DriverOver(shell).ApplyNetworkAsync(Host, VmRef.Of("9100"), [new NicMapping("net0", "vmbr9", 20, MacPolicy.New, LinkUp: false)], CancellationToken.None);

        Assert.Equal(
            ["qm config 9100", "pvesh get /nodes/localhost/network --output-format json", "qm status 9100",
             "qm set 9100 --net0 virtio,bridge=vmbr9,firewall=1,link_down=1,tag=20", "qm config 9100"],
            shell.Lines);
        Assert.Equal([new VmNic("net0", "BC:24:11:77:66:55", "vmbr9", 20, false, "virtio")], nics);
    }

    [Fact]
    public async Task ApplyNetworkAsync_MissingBridge_NamesItAndTheExistingOnes_ChangesNothing()
    {
        var shell = new ProxmoxRoutedShell()
            .On("qm config 9100", Ok(ConfigBefore))
            .On("pvesh get /nodes/localhost/network", Ok(Networks))
            .On("qm status 9100", Ok("status: stopped\n"));

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            DriverOver(shell).ApplyNetworkAsync(Host, VmRef.Of("9100"), [new NicMapping("net0", "vmbr7", null, MacPolicy.Keep, true)], CancellationToken.None));

        Assert.Contains("bridge vmbr7 does not exist there; its bridges are vmbr0, vmbr9", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shell.Lines, l => l.StartsWith("qm set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyNetworkAsync_RunningVm_IsRefusedBeforeAnyChange()
    {
        var shell = new ProxmoxRoutedShell()
            .On("qm config 9100", Ok(ConfigBefore))
            .On("pvesh get /nodes/localhost/network", Ok(Networks))
            .On("qm status 9100", Ok("status: running\n"));

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            DriverOver(shell).ApplyNetworkAsync(Host, VmRef.Of("9100"), [NicMapping.Isolated("net0")], CancellationToken.None));

        Assert.Contains("not stopped", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shell.Lines, l => l.StartsWith("qm set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyNetworkAsync_ReadBackNotAsMapped_Throws()
    {
        var shell = new ProxmoxRoutedShell()
            .On("qm config 9100", Ok(ConfigBefore))
            .On("pvesh get /nodes/localhost/network", Ok(Networks))
            .On("qm status 9100", Ok("status: stopped\n"))
            .On("qm set 9100", Ok());

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            DriverOver(shell).ApplyNetworkAsync(Host, VmRef.Of("9100"), [new NicMapping("net0", "vmbr9", null, MacPolicy.Keep, true)], CancellationToken.None));

        Assert.Contains("does not show it for net0 (bridge vmbr0)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "", "", GuestAgentState.Answered)]
    [InlineData(255, "", "No QEMU guest agent configured\n", GuestAgentState.NotConfigured)]
    [InlineData(255, "", "VM 9100 is not running\n", GuestAgentState.VmNotRunning)]
    [InlineData(255, "", "QEMU guest agent is not running\n", GuestAgentState.NoAnswer)]
    public async Task PingGuestAgentAsync_Replies_Classified(int exit, string stdout, string stderr, GuestAgentState expected)
    {
        var shell = new ProxmoxRoutedShell().On("qm guest cmd 9100 ping", new RemoteResult(exit, stdout, stderr));

        var reply = await DriverOver(shell).PingGuestAgentAsync(Host, VmRef.Of("9100"), CancellationToken.None);

        Assert.Equal(expected, reply.State);
    }

    [Fact]
    public async Task PingGuestAgentAsync_MissingVm_Throws()
    {
        var shell = new ProxmoxRoutedShell().On("qm guest cmd", new RemoteResult(2, "", "Configuration file 'nodes/pve-dr1/qemu-server/9100.conf' does not exist\n"));

        await Assert.ThrowsAsync<HypervisorCommandException>(() => DriverOver(shell).PingGuestAgentAsync(Host, VmRef.Of("9100"), CancellationToken.None));
    }

    [Fact]
    public async Task ShutdownAsync_Timeout_SaysItStillRuns_AndNeverForces()
    {
        var shell = new ProxmoxRoutedShell().On("qm shutdown 9100", new RemoteResult(255, "", "VM quit/powerdown failed - got timeout\n"));

        var ex = await Assert.ThrowsAsync<HypervisorCommandException>(() =>
            DriverOver(shell).ShutdownAsync(Host, VmRef.Of("9100"), TimeSpan.FromSeconds(2.5), CancellationToken.None));

        Assert.Contains("did not shut down within 3 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it still runs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["qm shutdown 9100 --timeout 3"], shell.Lines);
    }

    [Fact]
    public async Task ShutdownAsync_AlreadyStopped_Succeeds()
    {
        var shell = new ProxmoxRoutedShell()
            .On("qm shutdown 9100", Ok(stderr: "VM 9100 not running\n\n"))
            .On("qm status 9100", Ok("status: stopped\n"));

        await DriverOver(shell).ShutdownAsync(Host, VmRef.Of("9100"), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(["qm shutdown 9100 --timeout 30", "qm status 9100"], shell.Lines);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(90000)]
    public void QmShutdown_TimeoutOutsideOneSecondToADay_IsRefused(double seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.QmShutdown(VmId.From(9100), TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public async Task FreeScratchVmAsync_SkipsTheHostsVmsAndTheTakenOnes()
    {
        var list = string.Join('\n',
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0,10} {1,-20} {2,-10} {3,-10} {4,12} {5,-10}", "VMID", "NAME", "STATUS", "MEM(MB)", "BOOTDISK(GB)", "PID"),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0,10} {1,-20} {2,-10} {3,-10} {4,12:F2} {5,-10}", 9570, "web07", "stopped", 512, 0.03, 0),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0,10} {1,-20} {2,-10} {3,-10} {4,12:F2} {5,-10}", 900000, "VM 900000", "running", 512, 0.03, 4242)) + "\n";
        var shell = new ProxmoxRoutedShell().On("qm list", Ok(list));

        var vm = await DriverOver(shell).FreeScratchVmAsync(Host, "web07", new HashSet<string> { "900001" }, CancellationToken.None);

        Assert.Equal("900002", vm.Value);
    }
}
