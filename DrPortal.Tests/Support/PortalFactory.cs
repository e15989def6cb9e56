using System.Net.Http.Headers;
using System.Net.Http.Json;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DrPortal.Tests.Support;

/// <summary>
/// The whole portal in-process on its own fresh MariaDB database and data directory.
/// Use as an xunit class fixture; <see cref="InitializeAsync"/> creates the database before the host starts.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminName = "admin";
    public const string AdminPassword = "correct-horse-battery";

    public string ConnectionString { get; private set; } = "";
    public string DataDirectory { get; } = TestEnvironment.CreateTempDirectory("drportal-data");

    public virtual async Task InitializeAsync() => ConnectionString = await TestEnvironment.CreateDatabaseAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestEnvironment.DropDatabaseAsync(ConnectionString);
        Directory.Delete(DataDirectory, recursive: true);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:DrPortal", ConnectionString);
        builder.UseSetting("DrPortal:DataDirectory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The suite signs in and runs setup dozens of times a minute from one address; AbuseTests prove the real limits.
        builder.UseSetting("DrPortal:RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("DrPortal:RateLimits:SetupPerMinute", "100000");
    }

    /// <summary>Completes first-run setup with the default admin (once; later calls are no-ops).</summary>
    public async Task EnsureAdminAsync()
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/setup", new SetupRequest(AdminName, AdminPassword));
        if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A client authenticated with a fresh API token of the given user.</summary>
    public async Task<HttpClient> CreateClientForAsync(string userName, string password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(userName, password, $"test-{Guid.NewGuid():N}"[..20]));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenCreated>(Json.Options))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }

    public async Task<HttpClient> CreateAdminClientAsync()
    {
        await EnsureAdminAsync();
        return await CreateClientForAsync(AdminName, AdminPassword);
    }

    /// <summary>Creates a user with the role (as admin) and returns a client authenticated as that user.</summary>
    public async Task<HttpClient> CreateClientInRoleAsync(string role)
    {
        using var admin = await CreateAdminClientAsync();
        var name = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..16];
        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, AdminPassword, role));
        response.EnsureSuccessStatusCode();
        return await CreateClientForAsync(name, AdminPassword);
    }
}

public static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
