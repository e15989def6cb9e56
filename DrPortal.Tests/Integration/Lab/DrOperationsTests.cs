using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// Drills, failovers and failbacks of recovery plans on the lab, on both kinds: Proxmox through the emulator (guests
/// with a marker in their disk), libvirt with a guest that really boots and runs qemu-ga. Production targets are
/// compared before and after, scratch VMs must be gone, group order is read from the timestamps.
/// VMIDs 760-779 (sources) and 9760-9779 (replicas) and domains n12op* are this class's own.
/// </summary>
[Collection(LabCollection.Name)]
public class DrOperationsTests(LabPortalFixture portal)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);
    private const string Actor = "lab-test";

    private IRecoveryPlanStore Plans => portal.Services.GetRequiredService<IRecoveryPlanStore>();
    private IDrRunService Runs => portal.Services.GetRequiredService<IDrRunService>();
    private IPairRecovery Recovery => portal.Services.GetRequiredService<IPairRecovery>();

    [Fact]
    public async Task Drill_TwoVmPlanOnProxmox_StartsInGroupOrder_OnTheIsolatedNetwork_LeavesProductionUnchanged_AndRemovesTheScratchVms()
    {
        var pairs = new List<VmPairDto>();
        try
        {
            pairs.Add(await ProxmoxPairAsync("pve-dc1", 760, 9760, agent: true));
            pairs.Add(await ProxmoxPairAsync("pve-dc2", 761, 9761, agent: true));
            var before = await ProxmoxStateAsync(9760, 9761);
            var plan = await PlanAsync("lab drill pve", pairs.Select(p => new[] { p.Id }).ToArray());

            var run = await RunToEndAsync(await Runs.DrillPlanAsync(plan.Id, new DrRunRequest(), Actor, CancellationToken.None));

            Assert.True(run.Status == DrRunStatus.Succeeded, Describe(run));
            var (first, second) = (Child(run, pairs[0]), Child(run, pairs[1]));
            Assert.True(second.RunningAt >= first.CheckPassedAt, $"group 2 started at {second.RunningAt:O}, group 1 passed at {first.CheckPassedAt:O}");
            Assert.All(run.Tasks, t => Assert.StartsWith("Passed: running for 2 s; guest agent answered", t.CheckResult, StringComparison.Ordinal));
            Assert.NotNull(run.RecoveryTime);
            Assert.All(run.Tasks, t => Assert.Contains("link down", t.Stages.Single(s => s.Name == StageName.Network).Message, StringComparison.Ordinal));
            Assert.NotNull(run.ScratchRemovedAt);
            var vms = await Support.Lab.RunAsync("vm", "list", "pve-dr1");
            Assert.All(run.Tasks, t => Assert.DoesNotContain($"{t.ScratchVm} ", vms, StringComparison.Ordinal));
            Assert.Equal(before, await ProxmoxStateAsync(9760, 9761));
            var pair = await PairAsync(pairs[0].Id);
            Assert.True(pair is { LastDrillPassed: true, Direction: PairDirection.Protected }, $"{pair.LastDrillPassed} {pair.Direction}");
        }
        finally
        {
            await CleanupProxmoxAsync(pairs, (760, "pve-dc1", 9760), (761, "pve-dc2", 9761));
        }
    }

    [Fact]
    public async Task Drill_TwoDomainPlanOnLibvirt_BootsRealGuestsInGroupOrder_AgentAnswers_ProductionUntouched_ScratchGone()
    {
        var pairs = new List<VmPairDto>();
        try
        {
            pairs.Add(await LibvirtPairAsync("n12op1"));
            pairs.Add(await LibvirtPairAsync("n12op2"));
            var before = await LibvirtStateAsync("n12op1-dr", "n12op2-dr");
            var plan = await PlanAsync("lab drill kvm", pairs.Select(p => new[] { p.Id }).ToArray());

            var run = await RunToEndAsync(await Runs.DrillPlanAsync(plan.Id, new DrRunRequest(), Actor, CancellationToken.None));

            Assert.True(run.Status == DrRunStatus.Succeeded, Describe(run));
            var (first, second) = (Child(run, pairs[0]), Child(run, pairs[1]));
            Assert.True(second.RunningAt >= first.CheckPassedAt, $"group 2 started at {second.RunningAt:O}, group 1 passed at {first.CheckPassedAt:O}");
            Assert.All(run.Tasks, t => Assert.Contains("guest agent answered", t.CheckResult, StringComparison.Ordinal));
            Assert.All(run.Tasks, t => Assert.Contains("link down", t.Stages.Single(s => s.Name == StageName.Network).Message, StringComparison.Ordinal));
            Assert.NotNull(run.ScratchRemovedAt);
            var domains = await Virsh("kvm-dr1", "list", "--all", "--name");
            Assert.All(run.Tasks, t => Assert.DoesNotContain(t.ScratchVm!, domains, StringComparison.Ordinal));
            Assert.Equal(before, await LibvirtStateAsync("n12op1-dr", "n12op2-dr"));
        }
        finally
        {
            await CleanupLibvirtAsync(pairs, "n12op1", "n12op2");
        }
    }

    [Fact]
    public async Task Drill_OfAGuestThatStopsAfterBoot_FailsItsBootCheckWithTheReason_AndRemovesTheScratchVm()
    {
        var pairs = new List<VmPairDto>();
        try
        {
            pairs.Add(await ProxmoxPairAsync("pve-dc1", 762, 9762, agent: false, "--halt-after", "2"));
            await SaveRecoveryAsync(pairs[0].Id, new PairRecoveryInput { BootCheck = new BootCheck(StableSeconds: 6, Agent: true, TimeoutSeconds: 60) });

            var run = await RunToEndAsync(await Runs.DrillPairAsync(pairs[0].Id, new DrRunRequest(), Actor, CancellationToken.None));

            Assert.Equal(DrRunStatus.Failed, run.Status);
            var child = Assert.Single(run.Tasks);
            Assert.Equal(DrTaskStatus.Failed, child.Status);
            Assert.Equal(StageStatus.Failed, child.Stages.Single(s => s.Name == StageName.BootCheck).Status);
            Assert.Contains("stopped", child.Error, StringComparison.Ordinal);
            Assert.StartsWith("Failed:", child.CheckResult, StringComparison.Ordinal);
            Assert.NotNull(run.ScratchRemovedAt);
            Assert.DoesNotContain($"{child.ScratchVm} ", await Support.Lab.RunAsync("vm", "list", "pve-dr1"), StringComparison.Ordinal);
            Assert.False((await PairAsync(pairs[0].Id)).LastDrillPassed);
        }
        finally
        {
            await CleanupProxmoxAsync(pairs, (762, "pve-dc1", 9762));
        }
    }

    [Fact]
    public async Task Drill_WithAMappingToABridgeTheRecoveryHostLacks_IsRefusedAtTheEdit_AndFailsBeforeAnyChangeWhenTheBridgeWentAway()
    {
        var pairs = new List<VmPairDto>();
        try
        {
            pairs.Add(await ProxmoxPairAsync("pve-dc1", 763, 9763, agent: true));
            var missing = new PairRecoveryInput { DrillNetwork = [new NicMapping("net0", "vmbr7", null, MacPolicy.New, LinkUp: false)] };

            var refused = await Recovery.SaveAsync(pairs[0].Id, missing, Actor, actorIsAdmin: true, CancellationToken.None);

            Assert.Equal(ResultStatus.Invalid, refused.Status);
            Assert.Contains("network 'vmbr7' does not exist on pve-dr1; it has vmbr0, vmbr9", refused.Errors!.First("drillNetwork[0].network"), StringComparison.Ordinal);

            // As if vmbr7 had existed when the mapping was saved and was removed since.
            await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync())
            {
                var pair = await db.VmPairs.FirstAsync(p => p.Id == pairs[0].Id);
                pair.DrillNetwork = missing.DrillNetwork!;
                await db.SaveChangesAsync();
            }
            var vmsBefore = await Support.Lab.RunAsync("vm", "list", "pve-dr1");

            var run = await RunToEndAsync(await Runs.DrillPairAsync(pairs[0].Id, new DrRunRequest(), Actor, CancellationToken.None));

            var child = Assert.Single(run.Tasks);
            Assert.Equal(StageStatus.Failed, child.Stages.Single(s => s.Name == StageName.Preflight).Status);
            Assert.Contains("network 'vmbr7' does not exist on pve-dr1; it has vmbr0, vmbr9", child.Error, StringComparison.Ordinal);
            Assert.Equal(vmsBefore, await Support.Lab.RunAsync("vm", "list", "pve-dr1"));
        }
        finally
        {
            await CleanupProxmoxAsync(pairs, (763, "pve-dc1", 9763));
        }
    }

    [Fact]
    public async Task DisasterFailover_WithThePrimaryHostsCut_StartsFromTheRecoveryCopiesInGroupOrder_ThenFailbackMakesThePrimaryTheRecoveryVm()
    {
        var pairs = new List<VmPairDto>();
        try
        {
            pairs.Add(await ProxmoxPairAsync("pve-dc1", 764, 9764, agent: true));
            pairs.Add(await ProxmoxPairAsync("pve-dc2", 765, 9765, agent: true));
            // The primaries move on after their last replication: a failback must bring back the recovery site's data.
            await Support.Lab.RunAsync("vm", "change", "pve-dc1", "764", "--percent", "5");
            var plan = await PlanAsync("lab failover pve", pairs.Select(p => new[] { p.Id }).ToArray());
            await Support.Lab.RunAsync("cut", "pve-dc1");
            await Support.Lab.RunAsync("cut", "pve-dc2");

            var refusedConfirm = await Runs.FailoverAsync(plan.Id, DrRunKind.DisasterFailover, new DrRunRequest(Confirm: "lab failover"), Actor, CancellationToken.None);
            var started = DateTimeOffset.UtcNow;
            var run = await RunToEndAsync(await Runs.FailoverAsync(plan.Id, DrRunKind.DisasterFailover, new DrRunRequest(Confirm: plan.Name), Actor, CancellationToken.None));

            Assert.Equal(ResultStatus.Invalid, refusedConfirm.Status);
            Assert.True(run.Status == DrRunStatus.Succeeded, Describe(run));
            Assert.True(run.FinishedAt - started < TimeSpan.FromSeconds(90), $"took {run.FinishedAt - started}: something waited for a cut host");
            var (first, second) = (Child(run, pairs[0]), Child(run, pairs[1]));
            Assert.True(second.RunningAt >= first.CheckPassedAt);
            var report = DrRunReport.Of(run);
            Assert.All(report.Rows, r => Assert.True(r.DataAge > TimeSpan.Zero, $"{r.Pair}: data age {r.DataAge}"));
            Assert.All(report.Rows, r => Assert.NotNull(r.TimeToCheck));
            Assert.Equal(PairDirection.FailedOver, (await PairAsync(pairs[0].Id)).Direction);
            var replicate = await portal.Admin.PostAsync($"/api/v1/pairs/{pairs[0].Id}/replicate", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Conflict, replicate.StatusCode);
            Assert.Contains("runs on the recovery site", await replicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The primary site is back, its old VMs stopped by their admin; the service comes home over them.
            await Support.Lab.RunAsync("heal", "pve-dc1");
            await Support.Lab.RunAsync("heal", "pve-dc2");
            await Support.Lab.ExecAsync("pve-dc1", "qm", "stop", "764");
            await Support.Lab.ExecAsync("pve-dc2", "qm", "stop", "765");
            var noConfirm = await Runs.FailbackAsync(plan.Id, new DrRunRequest(Confirm: plan.Name), Actor, CancellationToken.None);
            var back = await RunToEndAsync(await Runs.FailbackAsync(plan.Id, new DrRunRequest(Confirm: plan.Name, ConfirmOverwrite: true), Actor, CancellationToken.None));

            Assert.Equal(ResultStatus.Invalid, noConfirm.Status);
            Assert.True(back.Status == DrRunStatus.Succeeded, Describe(back));
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dr1", 9764), await Support.Lab.ChecksumAsync("pve-dc1", 764));
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dr1", 9765), await Support.Lab.ChecksumAsync("pve-dc2", 765));
            Assert.Contains("status: running", await Support.Lab.ExecAsync("pve-dc1", "qm", "status", "764"), StringComparison.Ordinal);
            Assert.Contains("status: stopped", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9764"), StringComparison.Ordinal);
            Assert.Equal(PairDirection.Protected, (await PairAsync(pairs[0].Id)).Direction);
        }
        finally
        {
            await Support.Lab.RunAsync("heal", "pve-dc1");
            await Support.Lab.RunAsync("heal", "pve-dc2");
            await CleanupProxmoxAsync(pairs, (764, "pve-dc1", 9764), (765, "pve-dc2", 9765));
        }
    }

    [Fact]
    public async Task ThePortalKilledDuringAPlannedFailover_ResumesAfterRestart_AndRestoresNothingTwice()
    {
        var pairs = new List<VmPairDto>();
        var host = portal.Hosts["pve-dc3"];
        try
        {
            pairs.Add(await ProxmoxPairAsync("pve-dc3", 766, 9766, agent: true));
            await Support.Lab.RunAsync("vm", "change", "pve-dc3", "766", "--percent", "50");
            var plan = await PlanAsync("lab kill pve", [pairs[0].Id]);
            // vzdump --bwlimit keeps the last backup running long enough to lose its portal in the middle.
            await TaskApi.SetBandwidthLimitAsync(portal.Admin, host, 2048);
            long runId;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory))
            {
                using var client = await first.CreateAdminClientAsync();
                var response = await client.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/failover", new { mode = "planned", confirm = plan.Name, shutdownSources = true });
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                runId = (await response.Content.ReadFromJsonAsync<DrRunDto>(Json.Options))!.Id;
                await WaitUntilAsync(async () => (await client.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{runId}", Json.Options))!.Tasks[0].Task is { Stage: "Backup" or "Pull" } t
                    && t.BytesDone > 0, "the failover's backup never got under way");
                first.Crash();
            }
            await TaskApi.SetBandwidthLimitAsync(portal.Admin, host, null);

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory);
            using var again = await second.CreateAdminClientAsync();
            await WaitUntilAsync(async () => (await again.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{runId}", Json.Options))!.FinishedAt is not null,
                "the resumed failover did not end", RunTimeout);
            var run = (await Runs.FindAsync(runId, CancellationToken.None))!;

            Assert.True(run.Status == DrRunStatus.Succeeded, Describe(run));
            Assert.Equal(2, run.Attempts);
            var child = Assert.Single(run.Tasks);
            Assert.Equal(2, child.Attempts);
            Assert.Equal(1, child.Stages.Single(s => s.Name == StageName.Restore).Attempts);
            var log = await again.GetStringAsync($"/api/v1/tasks/{child.Id}/log");
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "== Restore"));
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc3", 766), await Support.Lab.ChecksumAsync("pve-dr1", 9766));
            Assert.Contains("status: running", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9766"), StringComparison.Ordinal);
            Assert.Contains("status: stopped", await Support.Lab.ExecAsync("pve-dc3", "qm", "status", "766"), StringComparison.Ordinal);
            Assert.Equal(PairDirection.FailedOver, (await PairAsync(pairs[0].Id)).Direction);
        }
        finally
        {
            await TaskApi.SetBandwidthLimitAsync(portal.Admin, host, null);
            await CleanupProxmoxAsync(pairs, (766, "pve-dc3", 9766));
        }
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null) =>
        Support.Poll.UntilAsync(condition, failure, timeout ?? TimeSpan.FromMinutes(2));

    // ------------------------------------------------------------------ helpers

    private async Task<VmPairDto> ProxmoxPairAsync(string sourceHost, int vmid, int target, bool agent, params string[] guest)
    {
        var id = vmid.ToString(CultureInfo.InvariantCulture);
        await Support.Lab.RunAsync("vm", "create", sourceHost, id, "--size", "16M", "--fill", "0.3", "--memory", "64");
        await Support.Lab.RunAsync(["vm", "guest", sourceHost, id, agent ? "--agent" : "--no-agent", "--boot", "1", .. guest]);
        if (agent)
        {
            await Support.Lab.ExecAsync(sourceHost, "qm", "set", id, "--agent", "1");
        }
        await Support.Lab.ExecAsync(sourceHost, "qm", "start", id);
        var pair = await TaskApi.CreatePairAsync(portal.Admin, portal.Hosts[sourceHost].Id, vmid, portal.Hosts["pve-dr1"].Id, target, start: false);
        await ReplicateAsync(pair);
        await SaveRecoveryAsync(pair.Id, new PairRecoveryInput { BootCheck = new BootCheck(StableSeconds: 2, Agent: true, TimeoutSeconds: 60) });
        return pair;
    }

    private async Task<VmPairDto> LibvirtPairAsync(string domain)
    {
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", domain, "--size", "32M", "--fill", "0.2", "--boot", "--agent", "--running");
        var response = await portal.Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts["kvm-dc1"].Id,
            sourceVm = domain,
            targetHypervisorId = portal.Hosts["kvm-dr1"].Id,
            targetVm = domain + "-dr",
            replicaStart = "Off",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var pair = (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
        await ReplicateAsync(pair);
        await SaveRecoveryAsync(pair.Id, new PairRecoveryInput { BootCheck = new BootCheck(StableSeconds: 2, Agent: true, TimeoutSeconds: 180) });
        return pair;
    }

    private async Task ReplicateAsync(VmPairDto pair)
    {
        var task = await TaskApi.WaitAsync(portal.Admin, (await TaskApi.RequestAsync(portal.Admin, pair.Id, "replicate")).TaskId, TimeSpan.FromMinutes(4));
        Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}");
    }

    private async Task SaveRecoveryAsync(int pairId, PairRecoveryInput input)
    {
        var saved = await Recovery.SaveAsync(pairId, input, Actor, actorIsAdmin: true, CancellationToken.None);
        Assert.True(saved.IsOk, saved.Message);
    }

    private async Task<RecoveryPlan> PlanAsync(string name, params int[][] groups)
    {
        var input = new RecoveryPlanInput
        {
            Name = $"{name} {Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 100)],
            Groups = groups.Select(g => new RecoveryPlanGroupInput { TimeoutSeconds = 300, Members = g.Select(id => new RecoveryPlanMemberInput { VmPairId = id }).ToList() }).ToList(),
        };
        var plan = await Plans.CreateAsync(input, Actor, actorIsAdmin: true, CancellationToken.None);
        Assert.True(plan.IsOk, plan.Message);
        return plan.Value!;
    }

    private async Task<DrRun> RunToEndAsync(Result<DrRun> requested)
    {
        Assert.True(requested.IsOk, requested.Message);
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            var run = (await Runs.FindAsync(requested.Value!.Id, CancellationToken.None))!;
            if (run.IsFinished && (run.Kind != DrRunKind.Drill || run.ScratchRemovedAt is not null))
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"run #{run.Id} did not end within {RunTimeout}: {Describe(run)}");
            await Task.Delay(500);
        }
    }

    private async Task<VmPair> PairAsync(int id) => (await portal.Services.GetRequiredService<IVmPairStore>().FindAsync(id, CancellationToken.None))!;

    private static DrTask Child(DrRun run, VmPairDto pair) => run.Tasks.Single(t => t.VmPairId == pair.Id);

    private static string Describe(DrRun run) =>
        $"{run.Status}: {run.Error}\n" + string.Join("\n", run.Tasks.Select(t => $"#{t.Id} {t.PairLabel} {t.Status} {t.Error} | {t.CheckResult}")) +
        "\n" + string.Join("\n", run.Groups.Select(g => $"{g.Title}: {g.Log}"));

    private static async Task<string> ProxmoxStateAsync(params int[] vmids)
    {
        var parts = new List<string>();
        foreach (var vmid in vmids)
        {
            var id = vmid.ToString(CultureInfo.InvariantCulture);
            parts.Add(await Support.Lab.ExecAsync("pve-dr1", "qm", "config", id));
            parts.Add(string.Join(",", (await Support.Lab.ChecksumAsync("pve-dr1", vmid)).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
            parts.Add(await Support.Lab.ExecAsync("pve-dr1", "qm", "status", id));
        }
        return string.Join("\n", parts);
    }

    private static async Task<string> LibvirtStateAsync(params string[] domains)
    {
        var parts = new List<string>();
        foreach (var domain in domains)
        {
            parts.Add(await Virsh("kvm-dr1", "dumpxml", "--domain", domain, "--inactive"));
            parts.Add(await Support.Lab.RunAsync("vm", "checksum", "kvm-dr1", domain));
            parts.Add(await Virsh("kvm-dr1", "domstate", "--domain", domain));
        }
        return string.Join("\n", parts);
    }

    private static Task<string> Virsh(string host, params string[] arguments) =>
        Support.Lab.ExecAsync(host, ["virsh", "-q", "-c", "qemu:///system", .. arguments]);

    private async Task CleanupProxmoxAsync(List<VmPairDto> pairs, params (int Vmid, string Host, int Target)[] vms)
    {
        foreach (var pair in pairs)
        {
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        }
        foreach (var (vmid, host, target) in vms)
        {
            await DestroyAsync(host, vmid.ToString(CultureInfo.InvariantCulture));
            await DestroyAsync("pve-dr1", target.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Removes a VM a test made; one that a failed test never made is no error.</summary>
    private static async Task DestroyAsync(string host, string vm)
    {
        try
        {
            await Support.Lab.RunAsync("vm", "destroy", host, vm);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("does not exist", StringComparison.Ordinal))
        {
        }
    }

    private async Task CleanupLibvirtAsync(List<VmPairDto> pairs, params string[] domains)
    {
        foreach (var pair in pairs)
        {
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        }
        foreach (var domain in domains)
        {
            await DestroyAsync("kvm-dc1", domain);
            await DestroyAsync("kvm-dr1", domain + "-dr");
        }
    }
}
