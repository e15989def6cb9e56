using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace DrPortal.Tests.Support;

/// <summary>
/// The portal as its own OS process on a loopback port, on a given database and data directory, so a test can
/// kill it with SIGKILL mid-task and start it again, as a crash would.
/// </summary>
public sealed class ExternalPortal : IDisposable
{
    private readonly Process _process;

    private ExternalPortal(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ExternalPortal> StartAsync(string connectionString, string dataDirectory)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DrPortal.Web.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["ConnectionStrings__DrPortal"] = connectionString;
        psi.Environment["DrPortal__DataDirectory"] = dataDirectory;
        psi.Environment["DrPortal__TransferKeepAliveSeconds"] = "2";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["DrPortal__RateLimits__SignInPerMinute"] = "100000";
        psi.Environment["DrPortal__RateLimits__SetupPerMinute"] = "100000";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new ExternalPortal(process, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal process exited with {process.ExitCode} while starting.");
            }
            try
            {
                if ((await probe.GetAsync(new Uri(portal.Address, "/openapi/v1.json"))).StatusCode == HttpStatusCode.OK)
                {
                    return portal;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        portal.Dispose();
        throw new TimeoutException("The portal process did not start within a minute.");
    }

    /// <summary>A client with a fresh API token of the test admin.</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        var client = new HttpClient { BaseAddress = Address };
        var response = await client.PostAsJsonAsync("/api/v1/auth/tokens",
            new Web.Api.CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, $"external-{Guid.NewGuid():N}"[..20]));
        response.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await response.Content.ReadFromJsonAsync<Web.Api.TokenCreated>(Json.Options))!.Token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Crash()
    {
        // The whole tree, as a power cut or systemd's cgroup kill would: the rsync children die with the portal.
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
