using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using static DrPortal.Tests.Integration.HypervisorsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>
/// The connection test is no port scanner for non-admins (finding 10): a closed port and a service that is no SSH
/// server read the same to an Operator; an Admin also sees which it was. Real sockets on loopback.
/// </summary>
public class ConnectionTestWordsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static async Task<HypervisorDto> HostAtAsync(HttpClient admin, string name, int port)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", HostBody(name, "127.0.0.1", port: port));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
    }

    private static async Task<ConnectionTest> TestAsync(HttpClient client, int hostId)
    {
        var response = await client.PostAsync($"/api/v1/hypervisors/{hostId}/test", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConnectionTest>(Json.Options))!;
    }

    [Fact]
    public async Task Test_ClosedPortAndHttpService_ReadAlikeToAnOperator_AdminSeesTheDetail()
    {
        using var admin = await portal.CreateAdminClientAsync();
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);
        using var web = new TcpListener(IPAddress.Loopback, 0);
        web.Start();
        var webPort = ((IPEndPoint)web.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var peer = await web.AcceptTcpClientAsync(stop.Token);
                await peer.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), stop.Token);
            }
        });
        var closedPort = FreePort();
        var closed = await HostAtAsync(admin, $"closed-{closedPort}", closedPort);
        var http = await HostAtAsync(admin, $"http-{webPort}", webPort);

        var closedToOperator = await TestAsync(operatorClient, closed.Id);
        var httpToOperator = await TestAsync(operatorClient, http.Id);
        var httpToAdmin = await TestAsync(admin, http.Id);
        await stop.CancelAsync();

        Assert.False(closedToOperator.Ok);
        Assert.Equal($"{closed.Name} is not reachable over SSH.", closedToOperator.Error);
        Assert.Equal($"{http.Name} is not reachable over SSH.", httpToOperator.Error);
        Assert.Null(closedToOperator.Detail);
        Assert.Null(httpToOperator.Detail);
        Assert.Equal(httpToOperator.Error, httpToAdmin.Error);
        Assert.False(string.IsNullOrEmpty(httpToAdmin.Detail));
        Assert.NotEqual(httpToAdmin.Error, httpToAdmin.Detail);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
