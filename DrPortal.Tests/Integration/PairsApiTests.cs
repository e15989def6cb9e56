using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using static DrPortal.Tests.Integration.HypervisorsApiTests;

namespace DrPortal.Tests.Integration;

public class PairsApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public PairsApiTests(PortalFactory portal) => _portal = portal;

    /// <summary>
    /// A pair on hosts whose keys nobody trusted: the portal cannot ask the source host for its VMs, so these tests
    /// confirm saving unverified (the source check itself is tested against the lab in PairSourceCheckTests).
    /// </summary>
    internal static object PairBody(int sourceHost, int sourceVm, int targetHost, int targetVm, string? note = null, bool confirmUnverifiedSource = true) =>
        new { sourceHypervisorId = sourceHost, sourceVm = Convert.ToString(sourceVm, CultureInfo.InvariantCulture), targetHypervisorId = targetHost, targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture), replicaStart = "Off", overwriteExistingTarget = false, note, confirmUnverifiedSource };

    internal static async Task<VmPairDto> CreatePairAsync(HttpClient client, int sourceHost, int sourceVm, int targetHost, int targetVm)
    {
        var response = await client.PostAsJsonAsync("/api/v1/pairs", PairBody(sourceHost, sourceVm, targetHost, targetVm));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private async Task<(HttpClient Admin, HypervisorDto Primary, HypervisorDto Recovery)> ArrangeAsync(string tag)
    {
        var admin = await _portal.CreateAdminClientAsync();
        return (admin, await CreateHostAsync(admin, $"{tag}-dc"), await CreateHostAsync(admin, $"{tag}-dr", "Recovery"));
    }

    [Fact]
    public async Task Crud_RoundTrip()
    {
        var (admin, primary, recovery) = await ArrangeAsync("crud");
        using var owned = admin;

        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9100);
        Assert.Equal((primary.Name, recovery.Name, false), (pair.SourceHypervisorName, pair.TargetHypervisorName, pair.OverwriteExistingTarget));

        var update = await admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", PairBody(primary.Id, 101, recovery.Id, 9101, "nightly db"));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var fetched = await admin.GetFromJsonAsync<VmPairDto>($"/api/v1/pairs/{pair.Id}", Json.Options);
        Assert.Equal(("101", "9101", "nightly db"), (fetched!.SourceVm, fetched.TargetVm, fetched.Note));

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/pairs/{pair.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/pairs/{pair.Id}")).StatusCode);
    }

    [Fact]
    public async Task Create_RecoveryHostAsSource_Is400OnSource()
    {
        var (admin, _, recovery) = await ArrangeAsync("wrongsite");
        using var owned = admin;

        var response = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(recovery.Id, 100, recovery.Id, 9100));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("recovery site", problem.GetProperty("errors").GetProperty("sourceHypervisorId")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(99, 9100, "SourceVm")]
    [InlineData(100, 1_000_000_000, "TargetVm")]
    public async Task Create_VmIdOutOfRange_Is400(int sourceVm, int targetVm, string field)
    {
        var (admin, primary, recovery) = await ArrangeAsync($"range{sourceVm}");
        using var owned = admin;

        var response = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, sourceVm, recovery.Id, targetVm));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(JsonNamingPolicy.CamelCase.ConvertName(field), out _));
    }

    [Fact]
    public async Task Create_SameTargetTwice_IsRefused_SameSourceToOtherTarget_IsAllowed()
    {
        var (admin, primary, recovery) = await ArrangeAsync("uniq");
        using var owned = admin;
        await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9100);

        var sameTarget = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 200, recovery.Id, 9100));
        Assert.Equal(HttpStatusCode.BadRequest, sameTarget.StatusCode);
        var problem = await sameTarget.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("targetVm", out _), problem.ToString());

        await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9200);
    }

    [Fact]
    public async Task Create_SameTargetConcurrently_ExactlyOneWins()
    {
        var (admin, primary, recovery) = await ArrangeAsync("race");
        using var owned = admin;

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 100 + i, recovery.Id, 7777))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var pairs = await admin.GetFromJsonAsync<List<VmPairDto>>("/api/v1/pairs", Json.Options);
        Assert.Single(pairs!, p => p.TargetHypervisorId == recovery.Id && p.TargetVm == "7777");
    }

    [Fact]
    public async Task Create_MissingHost_Is400()
    {
        var (admin, primary, _) = await ArrangeAsync("missing");
        using var owned = admin;

        var response = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 100, 987654, 9100));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Note_WithControlCharactersOrOversized_IsRefused()
    {
        var (admin, primary, recovery) = await ArrangeAsync("note");
        using var owned = admin;

        var control = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 100, recovery.Id, 9100, "bell\u0007"));
        var huge = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 100, recovery.Id, 9100, new string('x', 5000)));

        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
    }

    [Fact]
    public async Task Create_SourceHostNotTrustedWithoutConfirmation_Is422NamingConfirmUnverifiedSource()
    {
        var (admin, primary, recovery) = await ArrangeAsync("unverified");
        using var owned = admin;

        var refused = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 150, recovery.Id, 9150, confirmUnverifiedSource: false));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("confirmUnverifiedSource")[0].GetString();
        Assert.Contains($"Could not check that VM 150 exists on {primary.Name}", message, StringComparison.Ordinal);
        Assert.Contains("host key", message, StringComparison.Ordinal);
        var pairs = await admin.GetFromJsonAsync<List<VmPairDto>>("/api/v1/pairs", Json.Options);
        Assert.DoesNotContain(pairs!, p => p.SourceHypervisorId == primary.Id);

        var confirmed = await admin.PostAsJsonAsync("/api/v1/pairs", PairBody(primary.Id, 150, recovery.Id, 9150, confirmUnverifiedSource: true));
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
        var saved = (await confirmed.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
        Assert.Null(saved.SourceVmName);
    }

    [Fact]
    public async Task Create_NothingPicked_EveryFieldSaysWhatToPickAtOnce()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/pairs", new { replicaStart = "Off" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.StartsWith("Pick a source host", errors.GetProperty("sourceHypervisorId")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Pick a target host", errors.GetProperty("targetHypervisorId")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Pick or type the source VM", errors.GetProperty("sourceVm")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("targetVm", out _));
        Assert.DoesNotContain("does not exist", errors.ToString(), StringComparison.Ordinal);
    }
}
