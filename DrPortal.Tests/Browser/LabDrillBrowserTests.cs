using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>
/// A drill run from the browser on the lab: a plan built on the Plans page, drilled, watched to Succeeded on the run
/// page, and its report and CSV opened. The scratch VM must be gone afterwards and the replica untouched.
/// VMIDs 7740 (source on pve-dc4) and 9740 (replica on pve-dr1) are this class's own.
/// </summary>
[Collection(LabCollection.Name)]
public class LabDrillBrowserTests(LabBrowserPortal portal) : BrowserTest<LabBrowserPortal>(portal)
{
    private const int SourceVm = 7740;
    private const int TargetVm = 9740;
    private const string PairText = "pve-dc4/7740 → pve-dr1/9740";
    private static readonly float RunTimeout = (float)TimeSpan.FromMinutes(3).TotalMilliseconds;

    [Fact]
    public Task Drill_RequestedOnThePlansPage_RunSucceedsLive_AndTheReportShowsTheMeasuredTimes() =>
        StepsAsync(nameof(Drill_RequestedOnThePlansPage_RunSucceedsLive_AndTheReportShowsTheMeasuredTimes), async () =>
    {
        VmPairDto? pair = null;
        try
        {
            pair = await ReplicatedPairAsync();
            var replicaBefore = await Lab.ExecAsync("pve-dr1", "qm", "config", Id(TargetVm));
            await Page.SetViewportSizeAsync(1440, 900);
            await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

            await Page.GotoAsync("/plans");
            await WaitForInteractiveAsync();
            await Page.Locator("[data-test=plan-add]").ClickAsync();
            var editor = Page.Locator("[data-test=plan-editor]");
            await Expect(editor).ToBeVisibleAsync();
            await TypeAsync("plan-name", "lab browser drill");
            await ChooseAsync("plan-member-pick", PairText);
            await Page.Locator("[data-test=plan-member-add]").ClickAsync();
            await Expect(editor.Locator("[data-test=plan-member]")).ToHaveCountAsync(1);
            await Page.Locator("[data-test=plan-save]").ClickAsync();
            await Expect(editor).ToBeHiddenAsync();

            var row = Page.Locator("[data-test=plans-table] tbody tr", new() { HasText = "lab browser drill" });
            await row.Locator("[data-test=plan-drill]").ClickAsync();
            await Expect(Page.Locator("[data-test=run-request-dialog]")).ToBeVisibleAsync();
            await Page.Locator("[data-test=run-request-ok]").ClickAsync();

            // The run page follows the drill live to its end; no reload.
            await Page.WaitForURLAsync(url => url.Contains("/runs/", StringComparison.Ordinal));
            await WaitForInteractiveAsync();
            var runId = long.Parse(Page.Url[(Page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
            await Expect(Page.Locator("[data-test=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = RunTimeout });
            await Expect(Page.Locator("[data-test=run-rto]")).ToHaveTextAsync(new Regex(@"^\d"));
            var lane = Page.Locator("[data-test=run-lane]");
            await Expect(lane).ToHaveCountAsync(1);
            await Expect(lane.Locator("[data-test=run-lane-pair]")).ToContainTextAsync(PairText);
            await Expect(lane.Locator("[data-test=run-lane-check-result]")).ToContainTextAsync("guest agent answered");
            await ShootAsync("lab-run");

            await Page.Locator("[data-test=run-report-link]").ClickAsync();
            await Page.WaitForURLAsync(url => url.EndsWith("/report", StringComparison.Ordinal));
            await Expect(Page.Locator("[data-test=report-title]")).ToContainTextAsync("lab browser drill");
            await Expect(Page.Locator("[data-test=report-status]")).ToHaveTextAsync("succeeded");
            var reportRow = Page.Locator("[data-test=report-row]");
            await Expect(reportRow).ToHaveCountAsync(1);
            await Expect(reportRow).ToContainTextAsync(PairText);
            await Expect(reportRow.Locator("[data-test=report-data-age]")).ToHaveTextAsync(new Regex(@"^\d"));
            await Expect(reportRow.Locator("[data-test=report-check]")).ToHaveTextAsync(new Regex(@"^\d"));
            await ShootAsync("lab-report");

            // The browser's own cookie fetches the CSV, as the Download link does.
            var csvHref = await Page.Locator("[data-test=report-csv]").GetAttributeAsync("href");
            var csv = await Context.APIRequest.GetAsync(csvHref!);
            Assert.Equal(200, csv.Status);
            var lines = (await csv.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Equal("Task,Pair,Group,VM,Status,Data age (s),Time to running (s),Time to check (s),Check,Error", lines[0]);
            Assert.Matches(@"^\d+,pve-dc4/7740 → pve-dr1/9740,1,\d+,Succeeded,\d+\.\d,\d+\.\d,\d+\.\d,", lines[1]);

            // Afterwards: the scratch VM is gone from the recovery host and the replica is as it was.
            var run = await ScratchRemovedAsync(runId);
            var scratch = Assert.Single(run.Tasks).ScratchVm;
            Assert.False(string.IsNullOrEmpty(scratch));
            var vms = await Lab.RunAsync("vm", "list", "pve-dr1");
            // The listing itself is read right: the replica is in it, the scratch VM is not.
            Assert.Contains($"{TargetVm} ", vms, StringComparison.Ordinal);
            Assert.DoesNotContain($"{scratch} ", vms, StringComparison.Ordinal);
            Assert.Equal(replicaBefore, await Lab.ExecAsync("pve-dr1", "qm", "config", Id(TargetVm)));
        }
        finally
        {
            if (pair is not null)
            {
                await Portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            }
            await CleanUpAsync("vm", "destroy", "pve-dc4", Id(SourceVm));
            await CleanUpAsync("vm", "destroy", "pve-dr1", Id(TargetVm));
            // The recovery host keeps the pushed archive (that is the design); the lab is shared, so this test removes its own.
            await CleanUpAsync("exec", "pve-dr1", "--", "sh", "-c", $"rm -f /var/lib/vz/dump/vzdump-qemu-{Id(SourceVm)}-*");
        }
    });

    /// <summary>A booting guest with an agent on pve-dc4, replicated once to pve-dr1, with a short boot check.</summary>
    private async Task<VmPairDto> ReplicatedPairAsync()
    {
        await Lab.RunAsync("vm", "create", "pve-dc4", Id(SourceVm), "--size", "16M", "--fill", "0.3", "--memory", "64");
        await Lab.RunAsync("vm", "guest", "pve-dc4", Id(SourceVm), "--agent", "--boot", "1");
        await Lab.ExecAsync("pve-dc4", "qm", "set", Id(SourceVm), "--agent", "1");
        await Lab.ExecAsync("pve-dc4", "qm", "start", Id(SourceVm));
        var pair = await TaskApi.CreatePairAsync(Portal.Admin, Portal.Hosts["pve-dc4"].Id, SourceVm, Portal.Hosts["pve-dr1"].Id, TargetVm, replicaStart: "Off");
        var task = await TaskApi.WaitAsync(Portal.Admin, (await TaskApi.RequestAsync(Portal.Admin, pair.Id, "replicate")).TaskId, TimeSpan.FromMinutes(4));
        Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}");
        var recovery = await Portal.Admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}/recovery", new
        {
            bootCheck = new { stableSeconds = 2, agent = true, timeoutSeconds = 60 },
        });
        Assert.True(recovery.StatusCode == HttpStatusCode.OK, await recovery.Content.ReadAsStringAsync());
        return pair;
    }

    /// <summary>A drill's run ends before its scratch VMs are removed; this waits for the removal too.</summary>
    private async Task<DrRunDto> ScratchRemovedAsync(long runId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var run = (await Portal.Admin.GetFromJsonAsync<DrRunDto>($"/api/v1/runs/{runId}", Json.Options))!;
            if (run.ScratchRemovedAt is not null)
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"run #{runId}'s scratch VMs were not removed within 2 minutes");
            await Task.Delay(500);
        }
    }

    /// <summary>Keeps a laptop-sized screenshot beside the other drill test's (look at them when the pages change).</summary>
    private async Task ShootAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
        var file = Path.Combine(root, ".test-results", "browser", "drill", $"{name}-1440.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await Page.WaitForTimeoutAsync(300);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }

    /// <summary>Best effort: a VM the test never got to create must not hide the test's own failure.</summary>
    private static async Task CleanUpAsync(params string[] arguments)
    {
        try
        {
            await Lab.RunAsync(arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Id(int vmid) => vmid.ToString(CultureInfo.InvariantCulture);
}
