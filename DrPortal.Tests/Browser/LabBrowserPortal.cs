using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Browser;

/// <summary>
/// A browser-driven portal wired to the lab the way <see cref="LabPortalFixture"/> wires one: the portal's key
/// authorised on every host, the hosts registered under their lab names with their keys pinned. Test classes using it
/// belong to <see cref="LabCollection"/>, so they never run beside other tests that use the lab.
/// </summary>
public sealed class LabBrowserPortal : BrowserPortal
{
    public HttpClient Admin { get; private set; } = null!;

    public IReadOnlyDictionary<string, HypervisorDto> Hosts { get; private set; } = new Dictionary<string, HypervisorDto>();

    protected override async Task OnStartedAsync()
    {
        Admin = await CreateAdminClientAsync();
        Hosts = await LabPortalFixture.WireToLabAsync(Admin, DataDirectory);
    }

    public override async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await base.DisposeAsync();
    }
}
