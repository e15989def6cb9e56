using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Health;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// A portal wired to the lab whose published events are recorded and whose /metrics a test may read with a token. The
/// background round is set far apart so only the test's own rounds run while it looks at transitions.
/// </summary>
public sealed class HealthLabPortal : PortalFactory
{
    public const string MetricsToken = "lab-metrics-token-0123456789";

    public RecordingOperationalEvents Events { get; } = new();

    public HttpClient Admin { get; private set; } = null!;

    public IReadOnlyDictionary<string, HypervisorDto> Hosts { get; private set; } = new Dictionary<string, HypervisorDto>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DrPortal:Metrics:Token", MetricsToken);
        builder.UseSetting("DrPortal:Metrics:CacheSeconds", "0");
        builder.UseSetting("DrPortal:Health:HostCheckIntervalSeconds", "3600");
        builder.UseSetting("DrPortal:Health:HostCheckTimeoutSeconds", "10");
        builder.UseSetting("DrPortal:Health:DumpMinimumFreeMiB", "1");
        builder.ConfigureTestServices(services => services.AddSingleton<IOperationalEvents>(Events));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Admin = await CreateAdminClientAsync();
        Hosts = await LabPortalFixture.WireToLabAsync(Admin, DataDirectory);
    }

    internal HostCheckService Checks => Services.GetServices<IHostedService>().OfType<HostCheckService>().Single();

    public async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync()
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MetricsToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    public override async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await base.DisposeAsync();
    }
}

[Collection(LabCollection.Name)]
public class HealthLabTests(HealthLabPortal portal) : IClassFixture<HealthLabPortal>
{
    private const string Finished = Infrastructure.Metrics.MetricNames.TasksFinished;

    [Fact]
    public async Task Metrics_BackupOfALabVmFinishes_TaskCounterStageHistogramAndBytesMove()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc4", "6613", "--size", "16M", "--fill", "0.5");
        var pair = await TaskApi.CreatePairAsync(portal.Admin, portal.Hosts["pve-dc4"].Id, 6613, portal.Hosts["pve-dr1"].Id, 9613);
        try
        {
            var before = await portal.ScrapeAsync();
            var succeeded = PrometheusText.ValueOf(before, Finished, ("kind", "Backup"), ("outcome", "Succeeded"));
            var backups = PrometheusText.ValueOf(before, "drportal_task_stage_duration_seconds_count", ("stage", "Backup"));
            var pulled = PrometheusText.ValueOf(before, "drportal_transfer_bytes_total", ("stage", "Pull"));

            var accepted = await TaskApi.RequestAsync(portal.Admin, pair.Id, "backup");
            var task = await TaskApi.WaitAsync(portal.Admin, accepted.TaskId);

            Assert.Equal("Succeeded", task.Status);
            var archive = (await portal.Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!.Single();
            IReadOnlyList<PrometheusSample> after = before;
            // The counter moves when the task's job records the outcome, a moment after the row says Succeeded.
            await Poll.UntilAsync(async () => PrometheusText.ValueOf(after = await portal.ScrapeAsync(), Finished, ("kind", "Backup"), ("outcome", "Succeeded")) == succeeded + 1,
                "the finished-task counter did not move", TimeSpan.FromSeconds(20));
            Assert.Equal(backups + 1, PrometheusText.ValueOf(after, "drportal_task_stage_duration_seconds_count", ("stage", "Backup")));
            Assert.Equal(pulled + archive.SizeBytes, PrometheusText.ValueOf(after, "drportal_transfer_bytes_total", ("stage", "Pull")));
            var pairLabels = new[] { ("pair_id", pair.Id.ToString(CultureInfo.InvariantCulture)), ("pair", "pve-dc4/6613 → pve-dr1/9613") };
            var age = PrometheusText.ValueOf(after, "drportal_pair_newest_good_archive_age_seconds", pairLabels);
            Assert.InRange(age, 0, 600);
        }
        finally
        {
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc4", "6613");
        }
    }

    [Fact]
    public async Task HostCheck_HostCutOffAndBack_MarksItUnreachableThenReachable_PublishingOneEventPerTransition()
    {
        // Arrange: a host reached through a relay to pve-dc4's sshd, its key pinned after comparing fingerprints.
        var lab = await Support.Lab.HostAsync("pve-dc4");
        await using var relay = new TcpRelay(lab.Address, 22);
        var created = await portal.Admin.PostAsJsonAsync("/api/v1/hypervisors", new
        {
            name = "relayed-dc4",
            address = "127.0.0.1",
            sshPort = relay.Port,
            site = "Primary",
            sshUser = "root",
            kind = "Proxmox",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        try
        {
            var trusted = await portal.Admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/trust", new TrustRequest(lab.Fingerprint));
            trusted.EnsureSuccessStatusCode();
            Task<HypervisorDto?> ReadAsync() => portal.Admin.GetFromJsonAsync<HypervisorDto>($"/api/v1/hypervisors/{host.Id}", Json.Options);
            List<OperationalEvent> EventsOf(OperationalEventKind kind) => [.. portal.Events.Events.Where(e => e.HostId == host.Id && e.Kind == kind)];

            await portal.Checks.CheckAllAsync(CancellationToken.None);
            var first = (await ReadAsync())!;
            Assert.Equal(Core.Hosts.HostCheckState.Reachable, first.CheckState);
            Assert.NotNull(first.LastSeenAt);
            Assert.True(first.DumpFreeBytes > 0);

            // Act: cut the link and check twice.
            relay.Cut();
            await portal.Checks.CheckAllAsync(CancellationToken.None);
            await portal.Checks.CheckAllAsync(CancellationToken.None);

            // Assert: unreachable, last seen kept, one event for the one transition.
            var down = (await ReadAsync())!;
            Assert.Equal(Core.Hosts.HostCheckState.Unreachable, down.CheckState);
            Assert.Equal(first.LastSeenAt, down.LastSeenAt);
            Assert.True(down.LastCheckAt > first.LastCheckAt);
            Assert.False(string.IsNullOrWhiteSpace(down.CheckMessage));
            var unreachable = Assert.Single(EventsOf(OperationalEventKind.HostUnreachable));
            Assert.Equal(EventSeverity.Error, unreachable.Severity);
            Assert.Contains("relayed-dc4", unreachable.Summary, StringComparison.Ordinal);
            Assert.Empty(EventsOf(OperationalEventKind.HostReachable));
            var samples = await portal.ScrapeAsync();
            Assert.Equal(0, PrometheusText.ValueOf(samples, "drportal_host_up", ("host_id", host.Id.ToString(CultureInfo.InvariantCulture)), ("host", "relayed-dc4")));

            // And back: reachable again, one HostReachable.
            relay.Restore();
            await portal.Checks.CheckAllAsync(CancellationToken.None);
            await portal.Checks.CheckAllAsync(CancellationToken.None);
            var up = (await ReadAsync())!;
            Assert.Equal(Core.Hosts.HostCheckState.Reachable, up.CheckState);
            Assert.True(up.LastSeenAt > first.LastSeenAt);
            Assert.Single(EventsOf(OperationalEventKind.HostReachable));
            Assert.Single(EventsOf(OperationalEventKind.HostUnreachable));
            Assert.Empty(EventsOf(OperationalEventKind.HostKeyChanged));
        }
        finally
        {
            await portal.Admin.DeleteAsync($"/api/v1/hypervisors/{host.Id}");
        }
    }
}
