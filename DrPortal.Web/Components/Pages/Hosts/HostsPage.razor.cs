using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Hosts;

public partial class HostsPage
{
    private static readonly Func<Hypervisor, object> ByName = h => h.Name;
    private static readonly Func<Hypervisor, object> ByEndpoint = Display.Endpoint;
    private static readonly Func<Hypervisor, object> BySite = h => h.Site;
    private static readonly Func<Hypervisor, object> ByKind = h => h.Kind;
    private static readonly Func<Hypervisor, object> ByUser = h => h.SshUser;
    private static readonly Func<Hypervisor, object> ByKey = h => h.HostKeyFingerprint ?? "";
    private static readonly Func<Hypervisor, object> ByState = h => h.CheckState;

    private List<Hypervisor> _hosts = [];
    private string? _search;
    private bool _loading = true;

    [Inject]
    private IHypervisorStore Store { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private HypervisorProfiles Profiles { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    private bool CanAdminister => User.CanAdminister();

    private bool CanOperate => User.CanOperate();

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading the hosts", async () => _hosts = [.. await Store.ListAsync(Aborted)]);
        }
        finally
        {
            _loading = false;
        }
    }

    private bool Matches(Hypervisor h)
    {
        if (string.IsNullOrWhiteSpace(_search))
        {
            return true;
        }
        var term = _search.Trim();
        return h.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
            || Display.Endpoint(h).Contains(term, StringComparison.OrdinalIgnoreCase)
            || h.SshUser.Contains(term, StringComparison.OrdinalIgnoreCase)
            || Display.SiteName(h.Site).Contains(term, StringComparison.OrdinalIgnoreCase)
            || (h.Note?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)
            || (h.HostKeyFingerprint?.Contains(term, StringComparison.Ordinal) ?? false);
    }

    private async Task AddAsync()
    {
        var added = await Dialogs.ShowForResultAsync<HostDialog, Hypervisor>("Add host", new DialogParameters<HostDialog>(), DialogServiceExtensions.Medium);
        if (added is not null)
        {
            Snackbar.Add($"Host {added.Name} added. Next: trust its host key.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(Hypervisor host)
    {
        var parameters = new DialogParameters<HostDialog> { { d => d.Host, host } };
        var saved = await Dialogs.ShowForResultAsync<HostDialog, Hypervisor>($"Edit host {host.Name}", parameters, DialogServiceExtensions.Medium);
        if (saved is not null)
        {
            Snackbar.Add($"Host {saved.Name} saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(Hypervisor host)
    {
        if (!CanAdminister
            || !await Dialogs.ConfirmAsync("Delete host", $"Delete host {host.Name} ({Display.Endpoint(host)})?",
                detail: "The host is removed from the portal; nothing on the host itself changes. Hosts used by VM pairs cannot be deleted."))
        {
            return;
        }
        await GuardAsync("Deleting the host", async () =>
        {
            // A refusal names the pairs that use the host.
            Report(await Store.DeleteAsync(host.Id, User.ActorName(), Aborted), $"Host {host.Name} deleted.");
        });
        await ReloadAsync();
    }

    private async Task TrustAsync(Hypervisor host)
    {
        var parameters = new DialogParameters<TrustHostKeyDialog> { { d => d.Host, host } };
        var trusted = await Dialogs.ShowForResultAsync<TrustHostKeyDialog, HostKeyStatus>($"Trust host key of {host.Name}", parameters, DialogServiceExtensions.Medium);
        if (trusted is not null)
        {
            Snackbar.Add($"Host key {trusted.Fingerprint} of {host.Name} is trusted.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task InstallKeyAsync(Hypervisor host)
    {
        var parameters = new DialogParameters<InstallKeyDialog> { { d => d.Host, host } };
        if (await Dialogs.ShowForResultAsync<InstallKeyDialog, bool>($"Install portal key on {host.Name}", parameters))
        {
            Snackbar.Add($"The portal key is installed on {host.Name} for {host.SshUser}.", Severity.Success);
        }
    }

    private async Task TestAsync(Hypervisor host)
    {
        var parameters = new DialogParameters<ConnectionTestDialog> { { d => d.Host, host } };
        await Dialogs.ShowAsync<ConnectionTestDialog>($"Test connection to {host.Name}", parameters, DialogServiceExtensions.Small);
    }

    private async Task DiscoverAsync(Hypervisor host)
    {
        var parameters = new DialogParameters<VmListDialog> { { d => d.Host, host } };
        await Dialogs.ShowAsync<VmListDialog>($"VMs on {host.Name}", parameters, DialogServiceExtensions.Medium);
    }
}
