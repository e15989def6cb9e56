using DrPortal.Core.Archives;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Archives;

/// <summary>The orphan report; deleting a file or forgetting a row asks first, and the service audits it.</summary>
public partial class OrphansPage
{
    private OrphanReport? _report;
    private bool _loading;

    [Inject]
    private IOrphanReport Orphans { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override Task LoadAsync() => LoadReportAsync();

    private async Task LoadReportAsync()
    {
        _loading = true;
        await GuardAsync("Reading the repository and the dump areas", async () => _report = await Orphans.GetAsync(Aborted));
        _loading = false;
    }

    private async Task DeleteAsync(OrphanFile file)
    {
        var where = file.HostId is null ? "the repository" : $"the dump area of {file.Where}";
        if (!await Dialogs.ConfirmAsync("Delete orphan file", $"Delete {file.Path} ({Display.Bytes(file.SizeBytes)}) from {where}?",
                detail: "No restore point names this file. It cannot be brought back."))
        {
            return;
        }
        await GuardAsync("Deleting the file", async () =>
        {
            if (Report(await Orphans.DeleteFileAsync(file.HostId, file.Path, User.ActorName(), Aborted), $"Deleted {file.Path}."))
            {
                await LoadReportAsync();
            }
        });
    }

    private async Task ForgetAsync(GoneArchive row)
    {
        if (!await Dialogs.ConfirmAsync("Forget restore point", $"Forget {row.Label}? Its repository files are gone; the row goes too.", confirmText: "Forget"))
        {
            return;
        }
        await GuardAsync("Forgetting the restore point", async () =>
        {
            if (Report(await Orphans.ForgetAsync(row.ArchiveId, User.ActorName(), Aborted), $"Forgot {row.Label}."))
            {
                await LoadReportAsync();
            }
        });
    }
}
