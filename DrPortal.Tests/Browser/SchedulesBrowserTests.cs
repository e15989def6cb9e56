using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

public class SchedulesBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    // Once a year, on 1 January: the slot never comes while the test runs, so no task reaches for a host.
    private const string Cron = "45 3 1 1 *";

    [Fact]
    public Task AddSchedule_CronTypedInTheDialog_PreviewsSavesAndTogglesOffAcrossReloads() =>
        StepsAsync(nameof(AddSchedule_CronTypedInTheDialog_PreviewsSavesAndTogglesOffAcrossReloads), async () =>
    {
        VmPairDto pair;
        using (var admin = await Portal.CreateAdminClientAsync())
        {
            var primary = await CreateHostAsync(admin, "sched-dc");
            var recovery = await CreateHostAsync(admin, "sched-dr", "Recovery");
            pair = await CreatePairAsync(admin, primary.Id, 130, recovery.Id, 9130);
        }
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/schedules");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=schedules-empty]")).ToBeVisibleAsync();

        await Page.Locator("[data-test=schedule-add]").ClickAsync();
        var dialog = Page.Locator("[data-test=schedule-dialog]");
        await Expect(dialog).ToBeVisibleAsync();
        // The only pair is chosen already; the default daily time previews at once.
        await Expect(Field("schedule-pair")).ToContainTextAsync("sched-dc/130 → sched-dr/9130");
        await Expect(Page.Locator("[data-test=schedule-preview-run]")).ToHaveCountAsync(5);

        await Page.Locator("[data-test=schedule-timing-cron]").ClickAsync();
        await Page.Locator("[data-test=schedule-cron]").FillAsync("61 * * * *");
        await Expect(Field("schedule-cron").Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("is not a valid cron expression");
        await Expect(Page.Locator("[data-test=schedule-preview-invalid]")).ToBeVisibleAsync();

        await Page.Locator("[data-test=schedule-cron]").FillAsync(Cron);
        // The zone is searched as admins type it: a space stands for the underscore.
        await Page.Locator("[data-test=schedule-timezone]").FillAsync("new york");
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "America/New_York" }).ClickAsync();
        var runs = Page.Locator("[data-test=schedule-preview-run]");
        await Expect(runs).ToHaveCountAsync(5);
        var firstYear = FirstYear();
        await Expect(runs.First).ToContainTextAsync($"{firstYear}-01-01 03:45 UTC-05:00");
        await Expect(runs.Last).ToContainTextAsync($"{firstYear + 4}-01-01 03:45 UTC-05:00");
        await Page.Locator("[data-test=schedule-save]").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        var row = Page.Locator("[data-test=schedules-table] tbody tr", new() { HasText = $"cron {Cron}" });
        await Expect(row.Locator("[data-test=schedule-row-pair]")).ToContainTextAsync("sched-dc/130 → sched-dr/9130");
        await Expect(row.Locator("[data-test=schedule-row-timing]")).ToContainTextAsync("America/New_York");
        await Expect(row.Locator("[data-test=schedule-row-next] [title]")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex($"^\\w{{3}} {firstYear}-01-01 03:45 "));
        await Expect(row.Locator("[data-test=schedule-row-last]")).ToContainTextAsync("no run yet");
        await Expect(row.Locator("[data-test=schedule-row-enabled]")).ToHaveAttributeAsync("data-enabled", "true");

        await row.Locator("[data-test=schedule-row-enabled] input[type=checkbox]").ClickAsync();
        await Expect(row.Locator("[data-test=schedule-row-enabled]")).ToHaveAttributeAsync("data-enabled", "false");

        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        row = Page.Locator("[data-test=schedules-table] tbody tr", new() { HasText = $"cron {Cron}" });
        await Expect(row.Locator("[data-test=schedule-row-enabled]")).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(row.Locator("[data-test=schedule-row-next]")).ToHaveTextAsync("disabled");

        // The pairs page's link lands on the same list, filtered.
        await Page.GotoAsync($"/schedules?pairId={pair.Id}");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=schedules-table] tbody tr", new() { HasText = $"cron {Cron}" })).ToHaveCountAsync(1);
    });

    /// <summary>The year of the cron's next slot in New York: this one only before 1 January 03:45 there.</summary>
    private static int FirstYear()
    {
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        return now.Month == 1 && now.Day == 1 && now.TimeOfDay < new TimeSpan(3, 45, 0) ? now.Year : now.Year + 1;
    }
}
