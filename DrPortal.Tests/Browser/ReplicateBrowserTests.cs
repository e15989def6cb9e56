using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>One click on the VM pairs page replicates a lab VM; the Tasks list open in another tab follows it to the end.</summary>
[Collection(LabCollection.Name)]
public class ReplicateBrowserTests(LabBrowserPortal portal) : BrowserTest<LabBrowserPortal>(portal)
{
    private const int SourceVm = 6400;
    private const int TargetVm = 9640;
    private static readonly float TaskTimeout = (float)TimeSpan.FromMinutes(3).TotalMilliseconds;

    [Fact]
    public Task Replicate_ClickedOnThePairsPage_TaskReachesSucceededInTheLiveTasksList() =>
        StepsAsync(nameof(Replicate_ClickedOnThePairsPage_TaskReachesSucceededInTheLiveTasksList), async () =>
    {
        await Lab.RunAsync("vm", "create", "pve-dc1", Id(SourceVm), "--name", "ui-web", "--size", "32M", "--fill", "0.5");
        var pair = await CreatePairAsync();
        try
        {
            using (var admin = await Portal.CreateAdminClientAsync())
            {
                var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("operator-ui", PortalFactory.AdminPassword, "Operator"));
                created.EnsureSuccessStatusCode();
            }
            await LogInAsync("operator-ui", PortalFactory.AdminPassword);

            // The Tasks list in this tab; a marker on the window tells whether the page was ever reloaded.
            await Page.GotoAsync("/tasks");
            await WaitForInteractiveAsync();
            await Expect(Page.Locator("[data-test=tasks-empty]")).ToBeVisibleAsync();
            await Page.EvaluateAsync("() => window.__sameDocument = true");

            // The click happens in a second tab, as an operator working from the pairs page would.
            var pairs = await Context.NewPageAsync();
            await pairs.GotoAsync("/pairs");
            await pairs.Locator("[data-test=portal-ready][data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var row = pairs.Locator("[data-test=pairs-table] tbody tr", new() { HasText = $"VM {SourceVm}" });
            await row.Locator("[data-test=pair-replicate]").ClickAsync();
            var confirm = pairs.Locator("[data-test=confirm-dialog]");
            await Expect(confirm).ToContainTextAsync($"VM {TargetVm} on pve-dr1");
            await Expect(confirm).ToContainTextAsync("Overwrite is off");
            await pairs.Locator("[data-test=confirm-ok]").ClickAsync();
            var link = pairs.Locator("[data-test=task-request-link]");
            await Expect(link).ToBeVisibleAsync();
            var taskHref = await link.GetAttributeAsync("href");

            // Back in the first tab, without a reload: the task appears and runs to the end.
            var taskRow = Page.Locator("[data-test=tasks-table] tbody tr", new() { HasText = $"pve-dc1/{SourceVm}" });
            await Expect(taskRow.Locator("[data-test=task-row-link]")).ToHaveAttributeAsync("href", taskHref!);
            await Expect(taskRow.Locator("[data-test=task-row-status]")).ToHaveTextAsync("succeeded", new() { Timeout = TaskTimeout });
            await Expect(taskRow.Locator("[data-test=task-percent]")).ToHaveTextAsync("100 %");
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The Tasks page reloaded instead of updating live.");

            // The task page tells the same story: every stage done, the log ends with the runner's last line.
            await taskRow.Locator("[data-test=task-row-link]").ClickAsync();
            await Expect(Page.Locator("[data-test=task-status]")).ToHaveTextAsync("succeeded");
            await Expect(Page.Locator("[data-test=stage-row][data-status=Succeeded]")).ToHaveCountAsync(7);
            await Expect(Page.Locator("[data-test=task-log]")).ToContainTextAsync("Finished.");
            await Expect(Page.Locator("[data-test=task-archive] a")).ToContainTextAsync($"vzdump-qemu-{SourceVm}-");

            Assert.Contains("status: running", await Lab.ExecAsync("pve-dr1", "qm", "status", Id(TargetVm)), StringComparison.Ordinal);
            Assert.Equal(await Lab.ChecksumAsync("pve-dc1", SourceVm), await Lab.ChecksumAsync("pve-dr1", TargetVm));
        }
        finally
        {
            await Portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await CleanUpAsync("vm", "destroy", "pve-dc1", Id(SourceVm));
            await CleanUpAsync("vm", "destroy", "pve-dr1", Id(TargetVm));
            // The recovery host keeps the pushed archive (that is the design); the lab is shared, so this test removes its own.
            await CleanUpAsync("exec", "pve-dr1", "--", "sh", "-c", $"rm -f /var/lib/vz/dump/vzdump-qemu-{Id(SourceVm)}-*");
        }
    });

    private async Task<VmPairDto> CreatePairAsync()
    {
        var response = await Portal.Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = Portal.Hosts["pve-dc1"].Id,
            sourceVm = Convert.ToString(SourceVm, CultureInfo.InvariantCulture),
            targetHypervisorId = Portal.Hosts["pve-dr1"].Id,
            targetVm = Convert.ToString(TargetVm, CultureInfo.InvariantCulture),
            replicaStart = "Connected",
            overwriteExistingTarget = false,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
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
