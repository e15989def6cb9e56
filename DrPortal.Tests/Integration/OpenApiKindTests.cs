using System.Text.Json;
using DrPortal.Tests.Support;

namespace DrPortal.Tests.Integration;

/// <summary>The OpenAPI document says, per hypervisor kind, what the host-dependent fields of pairs and hosts take.</summary>
public class OpenApiKindTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("VmPairInput", "sourceVm", new[] { "**Proxmox VE** (`Proxmox`): VMID", "**libvirt/KVM** (`Libvirt`): Domain" })]
    [InlineData("VmPairInput", "targetVm", new[] { "VMID", "Domain" })]
    [InlineData("VmPairInput", "backupOptions", new[] { "`compress`", "`mode`", "`snapshot`", "`incremental`", "`fullEvery`", "400 on backupOptions" })]
    [InlineData("VmPairDto", "backupOptions", new[] { "`mode`", "`incremental`" })]
    [InlineData("HypervisorInput", "stagingDirectory", new[] { "default `/var/lib/vz/dump`", "default `/var/lib/libvirt/drportal`" })]
    public async Task Document_DescribesTheFieldPerKind(string schema, string property, string[] expected)
    {
        var description = await DescriptionAsync(schema, property);

        foreach (var text in expected)
            Assert.Contains(text, description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/pairs", "VmPairDto")]
    [InlineData("/api/v1/hypervisors", "HypervisorDto")]
    [InlineData("/api/v1/archives", "ArchiveDto")]
    public async Task Document_PagedListsStillSayWhatTheyAnswer(string path, string schema)
    {
        using var document = await DocumentAsync();

        var answer = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");

        Assert.Equal("array", answer.GetProperty("type").GetString());
        Assert.Equal("#/components/schemas/" + schema, answer.GetProperty("items").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Document_NamesTheKindsOnTheKindEnum()
    {
        using var document = await DocumentAsync();

        var kind = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("HypervisorKind");

        var description = kind.GetProperty("description").GetString();
        Assert.Contains("`Libvirt` (libvirt/KVM)", description, StringComparison.Ordinal);
        Assert.Contains("/api/v1/hypervisor-kinds", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_EnumsAreStringsListingTheirNames()
    {
        using var document = await DocumentAsync();

        var site = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Site");

        Assert.Equal("string", site.GetProperty("type").GetString());
        Assert.Equal(["Primary", "Recovery"], site.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    private async Task<string> DescriptionAsync(string schema, string property)
    {
        using var document = await DocumentAsync();
        var properties = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties");
        return properties.GetProperty(property).GetProperty("description").GetString() ?? "";
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var client = portal.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
    }
}
