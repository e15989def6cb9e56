using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Web.Components.Pages.Archives;
using DrPortal.Web.Components.Pages.Audit;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class ArchivesAuditPagesTests : PortalTestContext
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);

    private Archive AddArchive(long id, bool isProtected = false)
    {
        var archive = new Archive
        {
            Id = id,
            VmPairId = 1,
            SourceHypervisorName = "pve-dc1",
            SourceVm = "101",
            Label = $"vzdump-qemu-101-{id}.vma.zst",
            CreatedAt = Clock.UtcNow.AddDays(-id),
            InRepository = true,
            Files = [new ArchiveFile { Name = $"vzdump-qemu-101-{id}.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('b', 64) }],
            IsProtected = isProtected,
        };
        Archives.Archives.Add(archive);
        return archive;
    }

    [Fact]
    public void ArchivesPage_ProtectToggle_ProtectsAndUnprotects_ShowingTheState()
    {
        SignInAs(Roles.Operator, "olga");
        AddArchive(1);
        RenderProviders();
        var page = Render<ArchivesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=archive-protect]")));
        Assert.Empty(page.FindAll("[data-test=archive-protected]"));

        page.ClickWhenStable("button[data-test=archive-protect]");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=archive-protected]")), Live);
        Assert.Equal([(1L, true, "olga")], Archives.ProtectionChanges);
        Assert.Equal("true", page.Find("button[data-test=archive-protect]").GetAttribute("aria-pressed"));

        page.ClickWhenStable("button[data-test=archive-protect]");

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=archive-protected]")), Live);
        Assert.Equal([(1L, true, "olga"), (1L, false, "olga")], Archives.ProtectionChanges);
    }

    [Fact]
    public void ArchivesPage_Viewer_SeesProtectionButCannotChangeIt()
    {
        SignInAs(Roles.Viewer);
        AddArchive(1, isProtected: true);
        RenderProviders();

        var page = Render<ArchivesPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=archive-protected]")));
        Assert.Empty(page.FindAll("[data-test=archive-protect]"));
    }

    [Fact]
    public void AuditPage_UserTypeAndDateFilters_ReachTheQueryAndTheExportLink()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.NotNull(Audit.LastQuery));

        var user = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "User");
        page.InvokeAsync(() => user.Instance.ValueChanged.InvokeAsync("alice"));
        page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("VmPair"));
        var days = page.FindComponents<MudTextField<DateTime?>>();
        page.InvokeAsync(() => days.Single(f => f.Instance.Label == "From").Instance.ValueChanged.InvokeAsync(new DateTime(2026, 11, 1)));
        page.InvokeAsync(() => days.Single(f => f.Instance.Label == "To (inclusive)").Instance.ValueChanged.InvokeAsync(new DateTime(2026, 11, 30)));

        page.WaitForAssertion(() => Assert.NotNull(Audit.LastQuery!.To), Live);
        var query = Audit.LastQuery!;
        Assert.Equal("alice", query.Actor);
        Assert.Equal("VmPair", query.EntityType);
        var (from, to) = (query.From!.Value, query.To!.Value);
        Assert.Equal(new DateTime(2026, 11, 1), from.DateTime);
        Assert.Equal(new DateTime(2026, 12, 1), to.DateTime);
        var href = page.Find("[data-test=audit-export]").GetAttribute("href")!;
        Assert.StartsWith("api/v1/audit/export.csv?", href, StringComparison.Ordinal);
        Assert.Contains("user=alice", href, StringComparison.Ordinal);
        Assert.Contains("type=VmPair", href, StringComparison.Ordinal);
        Assert.Contains("from=2026-11-01T00%3A00%3A00", href, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditPage_Snapshot_IsReadableText_NeverMarkup()
    {
        SignInAs(Roles.Viewer);
        Audit.Entries.Add(new AuditEntry
        {
            Id = 1,
            At = Clock.UtcNow,
            Actor = "<img src=x onerror=alert(1)>",
            Action = "update",
            EntityType = "VmPair",
            EntityId = "1",
            Summary = "Changed pair <script>alert(2)</script>",
            // Stored by an older portal with escapes: the page shows it readable all the same.
            After = "{\"createdAt\":\"2026-12-02T10:00:00\\u002B00:00\",\"note\":\"<b>bold</b>\"}",
        });
        RenderProviders();
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=audit-expand]")));

        page.ClickWhenStable("[data-test=audit-expand]");

        // MudBlazor's button runs its handler asynchronously: under load the row opens a moment after the click.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=audit-after]")), Live);
        var after = page.Find("[data-test=audit-after]");
        Assert.Contains("2026-12-02T10:00:00+00:00", after.TextContent, StringComparison.Ordinal);
        Assert.Contains("\"<b>bold</b>\"", after.TextContent, StringComparison.Ordinal);
        Assert.Empty(after.QuerySelectorAll("b"));
        Assert.Empty(page.FindAll("table script, table img"));
        Assert.Contains("&lt;script&gt;", page.Find("[data-test=audit-summary]").InnerHtml, StringComparison.Ordinal);
    }
}
