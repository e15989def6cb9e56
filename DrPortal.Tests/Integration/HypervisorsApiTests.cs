using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Hosts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

public class HypervisorsApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public HypervisorsApiTests(PortalFactory portal) => _portal = portal;

    internal static object HostBody(string name, string address = "10.250.0.11", string site = "Primary", int port = 22) =>
        new { name, address, sshPort = port, kind = "Proxmox", site, sshUser = "root", stagingDirectory = "/var/lib/vz/dump" };

    internal static async Task<HypervisorDto> CreateHostAsync(HttpClient client, string name, string site = "Primary")
    {
        var response = await client.PostAsJsonAsync("/api/v1/hypervisors", HostBody(name, site: site));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
    }

    [Fact]
    public async Task Crud_RoundTrip_PersistsAndAudits()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var created = await CreateHostAsync(admin, "crud-host");
        Assert.Equal(Site.Primary, created.Site);
        Assert.False(created.HostKeyTrusted);

        var fetched = await admin.GetFromJsonAsync<HypervisorDto>($"/api/v1/hypervisors/{created.Id}", Json.Options);
        Assert.Equal("crud-host", fetched!.Name);

        var update = await admin.PutAsJsonAsync($"/api/v1/hypervisors/{created.Id}", HostBody("crud-host-2", "pve.example.org", port: 2222));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = (await update.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        Assert.Equal(("crud-host-2", "pve.example.org", 2222), (updated.Name, updated.Address, updated.SshPort));

        var list = await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options);
        Assert.Contains(list!, h => h.Id == created.Id && h.Name == "crud-host-2");

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/hypervisors/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/hypervisors/{created.Id}")).StatusCode);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?entityType=Hypervisor&take=50", Json.Options);
        var actions = audit.GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("entityId").GetString() == created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["delete", "update", "create"], actions);
        var updateEntry = audit.GetProperty("items").EnumerateArray().First(e => e.GetProperty("action").GetString() == "update"
            && e.GetProperty("entityId").GetString() == created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("admin", updateEntry.GetProperty("actor").GetString());
        Assert.Contains("crud-host", updateEntry.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("crud-host-2", updateEntry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, object> BadBodies => new()
    {
        { "Address", HostBody("bad-1", "10.0.0.300") },
        { "Address", HostBody("bad-2", "$(reboot)") },
        { "Address", HostBody("bad-3", new string('a', 300)) },
        { "SshPort", HostBody("bad-4", port: 70000) },
        { "SshPort", HostBody("bad-5", port: 0) },
        { "Name", HostBody("x'; DROP TABLE hypervisors; --") },
        { "Name", HostBody(new string('n', 64)) },
        { "Name", HostBody("") },
        { "SshUser", new { name = "bad-6", address = "10.0.0.1", sshPort = 22, site = "Primary", sshUser = "root; id" } },
        { "StagingDirectory", new { name = "bad-7", address = "10.0.0.1", sshPort = 22, site = "Primary", sshUser = "root", stagingDirectory = "/var/../etc" } },
        { "RestoreStorage", new { name = "bad-8", address = "10.0.0.1", sshPort = 22, site = "Primary", sshUser = "root", restoreStorage = "local;rm" } },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadInput_Is400NamingTheFieldAndSavesNothing(string field, object body)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var before = (await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options))!.Count;

        var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(field), out var messages), $"errors should name {field}: {problem}");
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
        Assert.Equal(before, (await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options))!.Count);
    }

    [Fact]
    public async Task Create_MalformedJson_Is400ProblemDetails()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        using var content = new StringContent("{\"name\": \"x\", \"sshPort\": \"twenty-two\"}", System.Text.Encoding.UTF8, "application/json");

        var response = await admin.PostAsync("/api/v1/hypervisors", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_DuplicateName_Is400OnName()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        await CreateHostAsync(admin, "dup-host");

        var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", HostBody("dup-host", "10.0.0.99"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("already exists", problem.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SameNameConcurrently_ExactlyOneWins()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            admin.PostAsJsonAsync("/api/v1/hypervisors", HostBody("race-host", $"10.0.1.{i + 1}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var list = await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options);
        Assert.Single(list!, h => h.Name == "race-host");
    }

    [Fact]
    public async Task Delete_HostUsedByPair_Is409ListingThePairs()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var source = await CreateHostAsync(admin, "used-src");
        var target = await CreateHostAsync(admin, "used-dst", "Recovery");
        var pair = await PairsApiTests.CreatePairAsync(admin, source.Id, 100, target.Id, 4100);

        var response = await admin.DeleteAsync($"/api/v1/hypervisors/{source.Id}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"#{pair.Id}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/hypervisors/{source.Id}")).StatusCode);
    }

    [Fact]
    public async Task Missing_Host_Is404()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/hypervisors/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/hypervisors/999999", HostBody("nope"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/hypervisors/999999")).StatusCode);
    }

    [Fact]
    public async Task SshPublicKey_IsAnEd25519AuthorizedKeysLine_AndThePrivateKeyIsOwnerOnly()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var key = await admin.GetFromJsonAsync<PublicKeyDto>("/api/v1/settings/ssh-public-key", Json.Options);

        Assert.StartsWith("ssh-ed25519 AAAA", key!.PublicKey, StringComparison.Ordinal);
        Assert.Contains(key.PublicKey, key.AuthorizedKeysLine, StringComparison.Ordinal);
        var privateKey = Directory.GetFiles(_portal.DataDirectory, "id_ed25519", SearchOption.AllDirectories).Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
    }
}
