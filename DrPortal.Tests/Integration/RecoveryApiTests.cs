using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>
/// Plans, run requests, reports and pair recovery settings through the REST API against MariaDB. Runs and their child
/// tasks are only recorded as handed to the executors, so a requested run stays queued and its rows are exact.
/// </summary>
public class RecoveryApiTests(RecoveryApiTests.Portal portal) : IClassFixture<RecoveryApiTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public ScheduleTriggerTests.RecordingJobQueue Jobs { get; } = new();
        public RecordingRunQueue Runs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IJobQueue>();
                services.AddSingleton<IJobQueue>(Jobs);
                services.RemoveAll<IRunQueue>();
                services.AddSingleton<IRunQueue>(Runs);
            });
        }
    }

    private async Task<(HttpClient Admin, VmPairDto First, VmPairDto Second)> TwoPairsAsync(string tag, int targetBase)
    {
        var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        return (admin, await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetBase), await CreatePairAsync(admin, primary.Id, 101, recovery.Id, targetBase + 1));
    }

    private static object PlanBody(string name, params int[][] groups) => new
    {
        name,
        description = "web tier after the database",
        groups = groups.Select((members, i) => new
        {
            name = i == 0 ? "database" : null,
            timeoutSeconds = 300,
            members = members.Select(id => new { vmPairId = id, delaySeconds = 5 }),
        }),
    };

    private static async Task<RecoveryPlanDto> CreatePlanAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/plans", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RecoveryPlanDto>(Json.Options))!;
    }

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
    }

    private async Task AddVerifiedPointAsync(VmPairDto pair, DateTimeOffset createdAt)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var label = $"vzdump-qemu-{pair.SourceVm}-{createdAt:yyyy_MM_dd-HH_mm_ss}.vma.zst";
        db.Archives.Add(new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = pair.SourceHypervisorId,
            SourceHypervisorName = pair.SourceHypervisorName!,
            SourceVm = pair.SourceVm,
            Label = label,
            CreatedAt = createdAt,
            InRepository = true,
            Files = [new ArchiveFile { Name = label, Role = "archive", SizeBytes = 1, Sha256 = new string('a', 64) }],
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Plans_CrudRoundTrip_KeepsGroupOrderAndMembers()
    {
        var (admin, first, second) = await TwoPairsAsync("plan-crud", 9700);
        using var owned = admin;

        var created = await CreatePlanAsync(admin, PlanBody("crud plan", [first.Id], [second.Id]));
        Assert.Equal((2, 2), (created.Groups.Count, created.VmCount));
        Assert.Equal(("database", "Group 2"), (created.Groups[0].Title, created.Groups[1].Title));
        Assert.Equal(first.Id, created.Groups[0].Members.Single().VmPairId);

        var update = await admin.PutAsJsonAsync($"/api/v1/plans/{created.Id}", PlanBody("crud plan renamed", [second.Id, first.Id]));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var fetched = (await admin.GetFromJsonAsync<RecoveryPlanDto>($"/api/v1/plans/{created.Id}", Json.Options))!;
        Assert.Equal("crud plan renamed", fetched.Name);
        Assert.Equal([second.Id, first.Id], fetched.Groups.Single().Members.Select(m => m.VmPairId));
        Assert.Contains((await admin.GetFromJsonAsync<List<RecoveryPlanDto>>("/api/v1/plans", Json.Options))!, p => p.Id == created.Id);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/plans/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/plans/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task CreatePlan_UnknownPairAndBadTimeout_AreRefusedByField_AndNothingIsSaved()
    {
        var (admin, first, _) = await TwoPairsAsync("plan-bad", 9710);
        using var owned = admin;
        var body = new { name = "bad plan", groups = new[] { new { timeoutSeconds = 1, members = new[] { new { vmPairId = first.Id, delaySeconds = 0 }, new { vmPairId = 999999, delaySeconds = 0 } } } } };

        var response = await admin.PostAsJsonAsync("/api/v1/plans", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains("groups[0].members[1].vmPairId", errors.Keys);
        Assert.Contains("groups[0].timeoutSeconds", errors.Keys);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<List<RecoveryPlanDto>>("/api/v1/plans", Json.Options))!, p => p.Name == "bad plan");
    }

    [Fact]
    public async Task CreatePlan_HookByOperator_IsRefusedNamingTheHook()
    {
        var (admin, first, _) = await TwoPairsAsync("plan-hook", 9720);
        using var owned = admin;
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);
        var body = new { name = "hooked plan", groups = new[] { new { timeoutSeconds = 300, preHook = "true", members = new[] { new { vmPairId = first.Id, delaySeconds = 0 } } } } };

        var response = await operatorClient.PostAsJsonAsync("/api/v1/plans", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("groups[0].preHook", (await ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task FailoverAndFailback_Operator_Are403_AndNoRunIsMade()
    {
        var (admin, first, _) = await TwoPairsAsync("plan-403", 9730);
        using var owned = admin;
        var plan = await CreatePlanAsync(admin, PlanBody("forbidden plan", [first.Id]));
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);

        var failover = await operatorClient.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/failover", new { mode = "planned", confirm = "forbidden plan" });
        var failback = await operatorClient.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/failback", new { confirm = "forbidden plan", target = "newVm" });

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (failover.StatusCode, failback.StatusCode));
        Assert.Empty((await admin.GetFromJsonAsync<List<DrRunDto>>($"/api/v1/runs?planId={plan.Id}", Json.Options))!);
    }

    [Theory]
    [InlineData("failover", "planned", "Forbidden Plan")]
    [InlineData("failover", "disaster", null)]
    [InlineData("failback", null, "forbidden plan ")]
    public async Task FailoverAndFailback_WrongConfirmation_Are400NamingConfirm(string action, string? mode, string? confirm)
    {
        var (admin, first, _) = await TwoPairsAsync($"confirm-{action[..5]}-{mode ?? "back"}", 9740);
        using var owned = admin;
        var plan = await CreatePlanAsync(admin, PlanBody($"confirm plan {action} {mode}", [first.Id]));
        object body = action == "failover" ? new { mode, confirm } : new { confirm, target = "original", confirmOverwrite = true };

        var response = await admin.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/{action}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("confirm", (await ErrorsAsync(response)).Keys);
        Assert.Empty((await admin.GetFromJsonAsync<List<DrRunDto>>($"/api/v1/runs?planId={plan.Id}", Json.Options))!);
    }

    [Fact]
    public async Task Failover_UnknownMode_Is400NamingMode()
    {
        var (admin, first, _) = await TwoPairsAsync("mode-bad", 9750);
        using var owned = admin;
        var plan = await CreatePlanAsync(admin, PlanBody("mode plan", [first.Id]));

        var response = await admin.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/failover", new { mode = "sideways", confirm = "mode plan" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("mode", (await ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task DrillPlan_CreatesAQueuedRunWithOneChildPerVm_InGroupOrder()
    {
        var (admin, first, second) = await TwoPairsAsync("drill-plan", 9760);
        using var owned = admin;
        var now = DateTimeOffset.UtcNow;
        await AddVerifiedPointAsync(first, now.AddHours(-1));
        await AddVerifiedPointAsync(second, now.AddHours(-2));
        var plan = await CreatePlanAsync(admin, PlanBody("drill plan", [first.Id], [second.Id]));
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);

        var response = await operatorClient.PostAsJsonAsync($"/api/v1/plans/{plan.Id}/drill", new { keepScratchMinutes = 30 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<DrRunDto>(Json.Options))!;
        Assert.Equal($"/api/v1/runs/{run.Id}", response.Headers.Location!.OriginalString);
        Assert.Contains(run.Id, portal.Runs.Enqueued);
        var stored = (await admin.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{run.Id}", Json.Options))!;
        Assert.Equal((DrRunKind.Drill, DrRunStatus.Queued, plan.Id, 30), (stored.Kind, stored.Status, stored.RecoveryPlanId, stored.KeepScratchMinutes));
        Assert.Equal(2, stored.Groups.Count);
        Assert.Equal([(0, first.Id), (1, second.Id)], stored.Tasks.Select(t => (t.GroupPosition ?? -1, t.Task.PairId ?? -1)));
        Assert.All(stored.Tasks, t => Assert.Equal(("Drill", "Queued"), (t.Task.Kind, t.Task.Status)));
        Assert.Contains((await admin.GetFromJsonAsync<List<DrRunDto>>($"/api/v1/runs?pairId={second.Id}", Json.Options))!, r => r.Id == run.Id);
    }

    [Fact]
    public async Task DrillPair_WithoutAVerifiedPoint_Is409AndMakesNoRun()
    {
        var (admin, first, _) = await TwoPairsAsync("drill-nopoint", 9770);
        using var owned = admin;

        var response = await admin.PostAsJsonAsync($"/api/v1/pairs/{first.Id}/drill", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("No verified restore point", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await admin.GetFromJsonAsync<List<DrRunDto>>($"/api/v1/runs?pairId={first.Id}", Json.Options))!);
    }

    [Fact]
    public async Task CancelRun_Queued_IsRecorded_AndAFinishedOneIs409()
    {
        var (admin, first, _) = await TwoPairsAsync("drill-cancel", 9780);
        using var owned = admin;
        await AddVerifiedPointAsync(first, DateTimeOffset.UtcNow.AddHours(-1));
        var run = (await (await admin.PostAsJsonAsync($"/api/v1/pairs/{first.Id}/drill", new { })).Content.ReadFromJsonAsync<DrRunDto>(Json.Options))!;

        var cancel = await admin.PostAsync($"/api/v1/runs/{run.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.True((await admin.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{run.Id}", Json.Options))!.CancelRequested);
        var finished = await SeedFinishedRunAsync(first.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/runs/{finished}/cancel", null)).StatusCode);
    }

    /// <summary>A drill as the executor leaves it: two groups, the second timed out, one VM passed and one failed its check.</summary>
    private async Task<long> SeedFinishedRunAsync(int pairId, int? secondPairId = null)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var run = new DrRun
        {
            Kind = DrRunKind.Drill,
            VmPairId = pairId,
            Label = "=seeded drill",
            Status = DrRunStatus.PartlySucceeded,
            RequestedBy = "tester",
            CreatedAt = start.AddSeconds(-5),
            StartedAt = start,
            FinishedAt = start.AddMinutes(12),
            Groups =
            [
                new DrRunGroup { Position = 0, Title = "database", TimeoutSeconds = 300, ReleasedAt = start, SettledAt = start.AddSeconds(90) },
                new DrRunGroup { Position = 1, Title = "web", TimeoutSeconds = 600, ReleasedAt = start.AddSeconds(90), SettledAt = start.AddSeconds(690), TimedOut = true, Log = "web did not pass in time" },
            ],
        };
        foreach (var (id, position, passed) in new[] { (pairId, 0, true), (secondPairId ?? pairId, 1, false) })
        {
            var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstAsync(p => p.Id == id);
            var task = DrTask.Create(DrTaskKind.Drill, pair, "tester", start);
            task.ActiveKey = null;
            task.Status = passed ? DrTaskStatus.Succeeded : DrTaskStatus.Failed;
            task.RunGroupPosition = position;
            task.ScratchVm = (9900 + position).ToString(System.Globalization.CultureInfo.InvariantCulture);
            task.PointCreatedAt = start.AddHours(-3);
            task.RunningAt = start.AddSeconds(40 + (position * 100));
            task.CheckPassedAt = passed ? start.AddSeconds(75) : null;
            task.CheckResult = passed ? "running 10 s: ok; guest agent: ok" : "running 10 s: ok; guest agent: no answer in 600 s";
            task.Error = passed ? null : "The boot check failed: the guest agent did not answer.";
            run.Tasks.Add(task);
        }
        db.DrRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    [Fact]
    public async Task Report_OfARunInTheDatabase_GivesDataAgeAndTimesPerVm_AsJsonAndCsv()
    {
        var (admin, first, second) = await TwoPairsAsync("report", 9790);
        using var owned = admin;
        var runId = await SeedFinishedRunAsync(first.Id, second.Id);

        var report = (await admin.GetFromJsonAsync<DrRunReportDto>($"/api/v1/runs/{runId}/report", Json.Options))!;
        var csv = await admin.GetAsync($"/api/v1/runs/{runId}/report.csv");

        Assert.Equal(2, report.Rows.Count);
        Assert.Equal((10800d, 40d, 75d), (report.Rows[0].DataAgeSeconds!.Value, report.Rows[0].TimeToRunningSeconds!.Value, report.Rows[0].TimeToCheckSeconds!.Value));
        Assert.Equal(("web", "9901", (double?)null), (report.Rows[1].GroupTitle, report.Rows[1].Vm, report.Rows[1].TimeToCheckSeconds));
        Assert.Contains("guest agent did not answer", report.Rows[1].Error, StringComparison.Ordinal);
        Assert.Null(report.RecoverySeconds);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Task,Pair,Group,VM,Status,Data age (s)", lines[0], StringComparison.Ordinal);
        Assert.Contains(",1,9900,Succeeded,10800.0,40.0,75.0,", lines[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/runs/999999/report.csv")).StatusCode);
    }

    [Fact]
    public async Task RunView_ShowsTheTimedOutGroupAndItsLog()
    {
        var (admin, first, second) = await TwoPairsAsync("run-view", 9800);
        using var owned = admin;
        var runId = await SeedFinishedRunAsync(first.Id, second.Id);

        var run = (await admin.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{runId}", Json.Options))!;

        Assert.Equal((false, true), (run.Groups[0].TimedOut, run.Groups[1].TimedOut));
        Assert.Equal("web did not pass in time", run.Groups[1].Log);
        Assert.Equal(["Preflight", "Push", "Restore", "Network", "AwaitTurn", "Start", "BootCheck"], run.Tasks[0].Task.Stages.Select(s => s.Name));
    }

    [Fact]
    public async Task PairRecovery_Get_GivesDefaultsAndSaysTheHostsDidNotAnswer()
    {
        var (admin, first, _) = await TwoPairsAsync("recovery-get", 9810);
        using var owned = admin;

        var view = (await admin.GetFromJsonAsync<PairRecoveryDto>($"/api/v1/pairs/{first.Id}/recovery", Json.Options))!;

        Assert.Empty(view.DrillNetwork);
        Assert.Equal((Core.Pairs.PairDirection.Protected, (bool?)null), (view.Direction, view.LastDrillPassed));
        Assert.Equal(Core.Pairs.BootCheck.Default, view.BootCheck);
        // Nobody trusted the hosts' keys: neither can be asked, and the view says so instead of failing.
        Assert.Empty(view.TargetNetworks);
        Assert.NotNull(view.NetworksError);
        Assert.NotNull(view.NicsError);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/pairs/999999/recovery")).StatusCode);
    }

    [Fact]
    public async Task PairRecovery_Put_BadFields_AreRefusedByField_AndAGoodOneIsSaved()
    {
        var (admin, first, _) = await TwoPairsAsync("recovery-put", 9820);
        using var owned = admin;
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);
        var bad = new
        {
            failoverNetwork = new[] { new { nic = "eth0", network = "vmbr0", vlanTag = 5000, mac = "Keep", linkUp = true } },
            drillNetwork = Array.Empty<object>(),
            bootCheck = new { stableSeconds = 10, agent = true, timeoutSeconds = 5, command = "true" },
        };

        var refused = await operatorClient.PutAsJsonAsync($"/api/v1/pairs/{first.Id}/recovery", bad);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = await ErrorsAsync(refused);
        Assert.Contains("failoverNetwork[0].nic", errors.Keys);
        Assert.Contains("failoverNetwork[0].vlanTag", errors.Keys);
        Assert.Contains("bootCheck.timeoutSeconds", errors.Keys);
        Assert.Contains("bootCheck.command", errors.Keys);

        var good = new
        {
            failoverNetwork = new[] { new { nic = "net0", network = "vmbr0", vlanTag = (int?)20, mac = "Keep", linkUp = true } },
            drillNetwork = new[] { new { nic = "net0", network = (string?)null, vlanTag = (int?)null, mac = "New", linkUp = false } },
            bootCheck = new { stableSeconds = 20, agent = false, timeoutSeconds = 120 },
        };
        var saved = await operatorClient.PutAsJsonAsync($"/api/v1/pairs/{first.Id}/recovery", good);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var view = (await admin.GetFromJsonAsync<PairRecoveryDto>($"/api/v1/pairs/{first.Id}/recovery", Json.Options))!;
        Assert.Equal(("vmbr0", 20), (view.FailoverNetwork.Single().Network, view.FailoverNetwork.Single().VlanTag ?? 0));
        Assert.Equal((Core.Hypervisors.MacPolicy.New, false), (view.DrillNetwork.Single().Mac, view.DrillNetwork.Single().LinkUp));
        Assert.Equal((20, false, 120), (view.BootCheck.StableSeconds, view.BootCheck.Agent, view.BootCheck.TimeoutSeconds));
    }
}
