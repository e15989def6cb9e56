using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>Saving a pair asks the source host whether the VM exists: the lab's emulated Proxmox answers.</summary>
[Collection(LabCollection.Name)]
public class PairSourceCheckTests(LabPortalFixture portal)
{
    private const int ExistingVm = 6810;
    private const int MissingVm = 6819;

    private HttpClient Admin => portal.Admin;

    private object Body(int sourceHost, int sourceVm, int targetVm, bool confirmUnverifiedSource = false) => new
    {
        sourceHypervisorId = sourceHost,
        sourceVm = Convert.ToString(sourceVm, CultureInfo.InvariantCulture),
        targetHypervisorId = portal.Hosts["pve-dr1"].Id,
        targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
        replicaStart = "Off",
        confirmUnverifiedSource,
    };

    [Fact]
    public async Task Create_VmMissingOnTheSourceHost_Is400OnSourceVmIdNamingTheHostsVms()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", Id(ExistingVm), "--name", "check-me", "--size", "8M");
        try
        {
            var response = await Admin.PostAsJsonAsync("/api/v1/pairs", Body(portal.Hosts["pve-dc1"].Id, MissingVm, 9819));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("sourceVm")[0].GetString();
            Assert.Contains($"VM {MissingVm} does not exist on pve-dc1", message, StringComparison.Ordinal);
            Assert.Contains($"{ExistingVm} (check-me)", message, StringComparison.Ordinal);
            var pairs = await Admin.GetFromJsonAsync<List<VmPairDto>>("/api/v1/pairs", Json.Options);
            Assert.DoesNotContain(pairs!, p => p.SourceVm == MissingVm.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc1", Id(ExistingVm));
        }
    }

    [Fact]
    public async Task Create_VmOnTheSourceHost_IsSavedWithItsName()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", Id(ExistingVm + 1), "--name", "named-web", "--size", "8M");
        VmPairDto? pair = null;
        try
        {
            var response = await Admin.PostAsJsonAsync("/api/v1/pairs", Body(portal.Hosts["pve-dc1"].Id, ExistingVm + 1, 9811));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            pair = (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
            Assert.Equal("named-web", pair.SourceVmName);
            var listed = await Admin.GetFromJsonAsync<VmPairDto>($"/api/v1/pairs/{pair.Id}", Json.Options);
            Assert.Equal("named-web", listed!.SourceVmName);
        }
        finally
        {
            if (pair is not null)
            {
                await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            }
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc1", Id(ExistingVm + 1));
        }
    }

    [Fact]
    public async Task Create_SourceHostUnreachable_Is422UntilConfirmed()
    {
        // A trusted host that stopped answering: pve-dc1's key pinned, then its port moved to one nothing listens on
        // (the API would forget the key on such a change, as it should; the row is edited to stand for an outage).
        var host = await LabPortalFixture.RegisterAsync(Admin, await Support.Lab.HostAsync("pve-dc1"), "dc1-outage");
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            await db.Hypervisors.Where(h => h.Id == host.Id).ExecuteUpdateAsync(u => u.SetProperty(h => h.SshPort, 9));
        }
        VmPairDto? pair = null;
        try
        {
            var refused = await Admin.PostAsJsonAsync("/api/v1/pairs", Body(host.Id, 6812, 9812));

            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var message = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("confirmUnverifiedSource")[0].GetString();
            Assert.Contains("Could not check that VM 6812 exists on dc1-outage", message, StringComparison.Ordinal);

            var confirmed = await Admin.PostAsJsonAsync("/api/v1/pairs", Body(host.Id, 6812, 9812, confirmUnverifiedSource: true));
            Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
            pair = (await confirmed.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
            Assert.Null(pair.SourceVmName);
        }
        finally
        {
            if (pair is not null)
            {
                await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            }
            await Admin.DeleteAsync($"/api/v1/hypervisors/{host.Id}");
        }
    }

    private static string Id(int vmid) => vmid.ToString(CultureInfo.InvariantCulture);
}
