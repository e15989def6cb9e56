using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Support;

/// <summary>
/// A portal wired to the lab as an admin would wire it: the portal's key authorised on every host, the hosts
/// registered with their sites and their host keys pinned after comparing fingerprints with the lab's own.
/// </summary>
public sealed class LabPortalFixture : PortalFactory
{
    public HttpClient Admin { get; private set; } = null!;

    public IReadOnlyDictionary<string, HypervisorDto> Hosts { get; private set; } = new Dictionary<string, HypervisorDto>();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // A cut link is noticed after about 4 × this, instead of a minute.
        builder.UseSetting("DrPortal:TransferKeepAliveSeconds", "2");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Admin = await CreateAdminClientAsync();
        Hosts = await WireToLabAsync(Admin, DataDirectory);
    }

    /// <summary>
    /// Wires a portal to the lab as an admin would: its public key authorised on every lab host, every host registered
    /// under its lab name with its key pinned after comparing fingerprints. Returns the registered hosts by name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, HypervisorDto>> WireToLabAsync(HttpClient admin, string dataDirectory)
    {
        var labHosts = await Lab.HostsAsync();
        var key = await admin.GetFromJsonAsync<PublicKeyDto>("/api/v1/settings/ssh-public-key", Json.Options);
        var keyFile = Path.Combine(dataDirectory, "portal-key.pub");
        await File.WriteAllTextAsync(keyFile, key!.AuthorizedKeysLine + "\n");
        await Lab.RunAsync("authorize", keyFile);

        var hosts = new Dictionary<string, HypervisorDto>();
        foreach (var labHost in labHosts)
        {
            hosts[labHost.Name] = await RegisterAsync(admin, labHost, labHost.Name);
        }
        return hosts;
    }

    /// <summary>Adds a lab host to the portal under a name and pins its key the way an admin does: compare, then trust.</summary>
    public static async Task<HypervisorDto> RegisterAsync(HttpClient admin, LabHost labHost, string name)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/hypervisors", new
        {
            name,
            address = labHost.Address,
            sshPort = 22,
            site = labHost.Site.Equals("recovery", StringComparison.OrdinalIgnoreCase) ? "Recovery" : "Primary",
            sshUser = "root",
            // Empty: each kind's default staging directory (the lab makes both).
            kind = labHost.IsLibvirt ? "Libvirt" : "Proxmox",
        });
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Registering {name} failed: {await created.Content.ReadAsStringAsync()}");
        }
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        var presented = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/hypervisors/{host.Id}/hostkey");
        var fingerprint = presented.GetProperty("fingerprint").GetString();
        if (fingerprint != labHost.Fingerprint)
        {
            throw new InvalidOperationException($"{name} presents {fingerprint}, the lab says {labHost.Fingerprint}.");
        }
        var trusted = await admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/trust", new TrustRequest(fingerprint));
        trusted.EnsureSuccessStatusCode();
        return (await admin.GetFromJsonAsync<HypervisorDto>($"/api/v1/hypervisors/{host.Id}", Json.Options))!;
    }

    public override async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabPortalFixture>
{
    /// <summary>Tests that use the lab run one after another: they share its hosts.</summary>
    public const string Name = "Lab";
}
