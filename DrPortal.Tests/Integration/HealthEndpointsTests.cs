using System.Net;
using System.Text.Json;
using DrPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace DrPortal.Tests.Integration;

/// <summary>A portal whose MariaDB is reached through a relay the test can cut: the shared server itself keeps running.</summary>
public sealed class RelayedDatabasePortal : PortalFactory
{
    public TcpRelay Relay { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var direct = new MySqlConnectionStringBuilder(ConnectionString);
        Relay = new TcpRelay(direct.Server == "localhost" ? "127.0.0.1" : direct.Server, (int)direct.Port);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var relayed = new MySqlConnectionStringBuilder(ConnectionString) { Server = "127.0.0.1", Port = (uint)Relay.Port, ConnectionTimeout = 3 };
        builder.UseSetting("ConnectionStrings:DrPortal", relayed.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Relay.DisposeAsync();
    }
}

public class HealthEndpointsTests(RelayedDatabasePortal portal) : IClassFixture<RelayedDatabasePortal>
{
    private static readonly string[] StatusWords = ["Healthy", "Degraded", "Unhealthy"];

    private HttpClient Client() => portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Healthz_BeforeSetup_AnswersHealthyWithoutRedirectOrDetails()
    {
        using var client = Client();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_MariaDbCutAndRestored_TurnsUnreadyThenReadyAgain_SayingOnlyStatusWords()
    {
        using var client = Client();
        await Poll.UntilAsync(async () => (await GetAsync(client, "/readyz")).Status == HttpStatusCode.OK, "/readyz never became ready", TimeSpan.FromSeconds(60));
        var (_, ready) = await GetAsync(client, "/readyz");
        Assert.Equal(["database", "jobs", "repository"], ready.GetProperty("checks").EnumerateObject().Select(p => p.Name).Order());

        try
        {
            portal.Relay.Cut();
            MySqlConnection.ClearAllPools();

            (HttpStatusCode Status, JsonElement Body) unready = default;
            await Poll.UntilAsync(async () => (unready = await GetAsync(client, "/readyz")).Status == HttpStatusCode.ServiceUnavailable,
                "/readyz stayed ready with MariaDB cut off", TimeSpan.FromSeconds(60));
            Assert.Equal("Unhealthy", unready.Body.GetProperty("status").GetString());
            Assert.Equal("Unhealthy", unready.Body.GetProperty("checks").GetProperty("database").GetString());
            Assert.Equal("Healthy", unready.Body.GetProperty("checks").GetProperty("repository").GetString());
            // Only the two properties, and only status words: no host, port, path or exception text.
            Assert.Equal(["checks", "status"], unready.Body.EnumerateObject().Select(p => p.Name).Order());
            Assert.All(unready.Body.GetProperty("checks").EnumerateObject(), c => Assert.Contains(c.Value.GetString(), StatusWords));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz")).Status);
        }
        finally
        {
            portal.Relay.Restore();
        }

        await Poll.UntilAsync(async () => (await GetAsync(client, "/readyz")).Status == HttpStatusCode.OK,
            "/readyz did not become ready again after MariaDB returned", TimeSpan.FromSeconds(60));
        Assert.Equal("Healthy", (await GetAsync(client, "/readyz")).Body.GetProperty("checks").GetProperty("database").GetString());
    }
}

/// <summary>A portal with a metrics token and one extra allowed network; tests name their peer address.</summary>
public sealed class MetricsPortal : PortalFactory
{
    public const string Token = "metrics-token-for-tests-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DrPortal:Metrics:Token", Token);
        builder.UseSetting("DrPortal:Metrics:AllowedNetworks", "127.0.0.0/8, ::1/128, 10.77.0.0/16");
        builder.ConfigureTestServices(services => services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, TestPeerAddress>());
    }
}

public class MetricsEndpointTests(MetricsPortal portal) : IClassFixture<MetricsPortal>
{
    private async Task<HttpResponseMessage> ScrapeAsync(string peer, string? token = null)
    {
        using var client = portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(TestPeerAddress.Header, peer);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Metrics_FromLoopback_ParsesAsPrometheusTextWithEveryFamily()
    {
        await portal.EnsureAdminAsync();

        using var response = await ScrapeAsync("127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        var samples = PrometheusText.Parse(text);
        foreach (var family in typeof(Infrastructure.Metrics.MetricNames).GetFields().Select(f => (string)f.GetRawConstantValue()!))
        {
            Assert.Contains($"# TYPE {family} ", text, StringComparison.Ordinal);
        }
        Assert.Equal(0, Assert.Single(samples, s => s.Name == "drportal_queue_depth").Value);
        Assert.True(Assert.Single(samples, s => s.Name == "drportal_repository_free_bytes").Value > 0);
    }

    [Theory]
    [InlineData("10.1.2.3", null, HttpStatusCode.Unauthorized)]
    [InlineData("10.1.2.3", "wrong-token-wrong-token-wrong-token", HttpStatusCode.Unauthorized)]
    [InlineData("10.1.2.3", MetricsPortal.Token, HttpStatusCode.OK)]
    [InlineData("10.77.4.5", null, HttpStatusCode.OK)]
    [InlineData("::ffff:127.0.0.1", null, HttpStatusCode.OK)]
    public async Task Metrics_PeerAndToken_AllowedOnlyFromAllowedNetworksOrWithTheToken(string peer, string? token, HttpStatusCode expected)
    {
        using var response = await ScrapeAsync(peer, token);

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (expected == HttpStatusCode.OK)
        {
            Assert.NotEmpty(PrometheusText.Parse(body));
        }
        else
        {
            Assert.DoesNotContain("drportal_", body, StringComparison.Ordinal);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
    }
}
