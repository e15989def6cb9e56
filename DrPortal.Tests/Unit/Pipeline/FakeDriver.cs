using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>A hypervisor kind that keeps its VMs in memory: every backup is two files, restores replace the target's content.</summary>
internal sealed class FakeDriver : IHypervisorDriver
{
    public static readonly IHypervisorProfile KindProfile = new Infrastructure.Hypervisors.Proxmox.ProxmoxProfile();

    public Dictionary<string, string> Vms { get; } = [];
    public List<string> Calls { get; } = [];
    public List<RestoreRequest> Restores { get; } = [];
    public Func<RestoreRequest, bool> FailRestore { get; set; } = _ => false;
    public Dictionary<string, string> HostFiles { get; } = [];
    private int _backups;

    public IHypervisorProfile Profile => KindProfile;

    public string StagingPathOf(Hypervisor host, string fileName) => $"{host.StagingDirectory}/{fileName}";

    public Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<VmInfo>>(Vms.Keys.Select(k => new VmInfo(VmRef.Of(k), k, VmPowerState.Stopped, 1, 1, null)).ToList());

    public Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct) => Task.FromResult<string?>("fake 1");

    /// <summary>"host/vm" of the VMs started and not stopped since.</summary>
    public HashSet<string> Running { get; } = [];

    /// <summary>Guests that fall over at once: started, they report stopped on the next look.</summary>
    public HashSet<string> CrashAfterStart { get; } = [];

    public Task<VmPowerState> GetStatusAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var key = $"{host.Name}/{vm}";
        if (Running.Contains(key) && CrashAfterStart.Contains(key))
        {
            Running.Remove(key);
            return Task.FromResult(VmPowerState.Running);
        }
        return Task.FromResult(Running.Contains(key) ? VmPowerState.Running : VmPowerState.Stopped);
    }

    public Task<bool> VmExistsAsync(Hypervisor host, VmRef vm, CancellationToken ct) => Task.FromResult(Vms.ContainsKey($"{host.Name}/{vm}"));

    public Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, IStageReporter reporter, CancellationToken ct)
    {
        var label = $"point-{++_backups}";
        Calls.Add($"backup {request.Vm}");
        var files = new[] { new HostFile($"{label}.img", "disk", StagingPathOf(host, $"{label}.img")), new HostFile($"{label}.xml", "domain-xml", StagingPathOf(host, $"{label}.xml")) };
        foreach (var f in files)
        {
            HostFiles[$"{host.Name}:{f.Path}"] = $"{label} {f.Role} of {Vms.GetValueOrDefault($"{host.Name}/{request.Vm}")}";
        }
        return Task.FromResult(new BackupOutcome(files, label, null, null, []));
    }

    public Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, IStageReporter reporter, CancellationToken ct)
    {
        Calls.Add($"restore {request.Chain[^1].Label} -> {request.Target}");
        Restores.Add(request);
        if (FailRestore(request))
        {
            throw new HypervisorCommandException("the disk would not fit", 1, ["no space"]);
        }
        Vms[$"{host.Name}/{request.Target}"] = request.Chain[^1].Label;
        return Task.FromResult(new RestoreOutcome([]));
    }

    public Task StartAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        Calls.Add($"start {host.Name}/{vm}");
        Running.Add($"{host.Name}/{vm}");
        return Task.CompletedTask;
    }

    public Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct) => Task.FromResult(false);

    public Task<string?> ClearInterruptedBackupAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        Calls.Add($"clear {vm}");
        return Task.FromResult<string?>("cleared the lost attempt's job");
    }

    public Task StopAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        Running.Remove($"{host.Name}/{vm}");
        return Task.CompletedTask;
    }

    public Task<string?> GetVmIdentityAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        Task.FromResult(Vms.GetValueOrDefault($"{host.Name}/{vm}") is { } label ? $"id-{label}" : null);

    public Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmRef vm, bool up, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public List<string> Networks { get; } = ["vmbr0", "vmbr9"];
    public Dictionary<string, IReadOnlyList<NicMapping>> Applied { get; } = [];

    public Task<IReadOnlyList<HostNetwork>> ListNetworksAsync(Hypervisor host, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<HostNetwork>>(Networks.Select(n => new HostNetwork(n, n != "vmbr0")).ToList());

    public Task<IReadOnlyList<VmNic>> ListNicsAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<VmNic>>([new VmNic("net0", "BC:24:11:00:00:01", "vmbr0", null, true, "virtio")]);

    public Task<IReadOnlyList<VmNic>> ApplyNetworkAsync(Hypervisor host, VmRef vm, IReadOnlyList<NicMapping> mapping, CancellationToken ct)
    {
        Calls.Add($"network {vm}");
        Applied[$"{host.Name}/{vm}"] = mapping;
        return Task.FromResult<IReadOnlyList<VmNic>>(mapping.Select(m => new VmNic(m.Nic, "BC:24:11:00:00:02", m.Network, m.VlanTag, m.LinkUp)).ToList());
    }

    public Task<GuestAgentReply> PingGuestAgentAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        Task.FromResult(new GuestAgentReply(GuestAgentState.Answered, "pong"));

    public Task ShutdownAsync(Hypervisor host, VmRef vm, TimeSpan timeout, CancellationToken ct)
    {
        Calls.Add($"shutdown {vm}");
        Running.Remove($"{host.Name}/{vm}");
        return Task.CompletedTask;
    }

    public Task<VmRef> FreeScratchVmAsync(Hypervisor host, string hint, IReadOnlySet<string> taken, CancellationToken ct)
    {
        var id = 900000;
        while (taken.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) || Vms.ContainsKey($"{host.Name}/{id}"))
        {
            id++;
        }
        return Task.FromResult(VmRef.Of(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public Task DestroyAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        Vms.Remove($"{host.Name}/{vm}");
        return Task.CompletedTask;
    }
}
