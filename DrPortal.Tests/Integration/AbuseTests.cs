using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DrPortal.Tests.Integration;

/// <summary>
/// Body limits, rate limits, throttling and equal work (issue 14, findings 2-4) on a real Kestrel port on loopback, with
/// the production limits. A test header sets the client address a request comes from (no proxy is involved).
/// </summary>
public partial class AbuseTests : IClassFixture<AbuseTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public Portal() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        public CountingPasswordHasher Hasher { get; } = new();

        public Uri BaseAddress { get; private set; } = default!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            StartServer();
            BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Back to the production defaults the shared fixture raises.
            var defaults = new Web.Security.RateLimitSettings();
            builder.UseSetting("DrPortal:RateLimits:SignInPerMinute", defaults.SignInPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("DrPortal:RateLimits:SetupPerMinute", "100000");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IStartupFilter, TestPeerAddress>();
                services.RemoveAll<IPasswordHasher<PortalUser>>();
                services.AddSingleton<IPasswordHasher<PortalUser>>(Hasher);
            });
        }

        public HttpClient Client(string address, bool redirects = true)
        {
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = redirects, UseCookies = true }) { BaseAddress = BaseAddress };
            client.DefaultRequestHeaders.Add(TestPeerAddress.Header, address);
            return client;
        }
    }

    private readonly Portal _portal;

    public AbuseTests(Portal portal) => _portal = portal;

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string name, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, password, $"t-{Guid.NewGuid():N}"[..12]));

    private async Task<string> CreateUserAsync(bool disabled = false)
    {
        await _portal.EnsureAdminAsync();
        using var admin = _portal.Client("10.9.9.9");
        var token = await (await TokenAsync(admin, PortalFactory.AdminName, PortalFactory.AdminPassword)).Content.ReadFromJsonAsync<TokenCreated>(Json.Options);
        admin.DefaultRequestHeaders.Authorization = new("Bearer", token!.Token);
        var name = $"abuse-{Guid.NewGuid():N}"[..14];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator));
        created.EnsureSuccessStatusCode();
        if (disabled)
        {
            var user = await created.Content.ReadFromJsonAsync<UserDto>(Json.Options);
            (await admin.PutAsJsonAsync($"/api/v1/users/{user!.Id}", new UpdateUserRequest(Roles.Operator, true))).EnsureSuccessStatusCode();
        }
        return name;
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("data-test=\"login-error\">(?<text>[^<]*)<")]
    private static partial Regex LoginError();

    /// <summary>Posts the login form as a browser does and returns the error the page shows (null when signed in).</summary>
    private static async Task<string?> LoginErrorAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/login");
        var fields = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(fields));
        var match = LoginError().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value) : null;
    }

    [Fact]
    public async Task TokenCreation_DeclaredHugeBody_Is413BeforeTheBodyIsSent()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _portal.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = "POST /api/v1/auth/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 26214400\r\n\r\n{\"userName\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Only the head was sent: a server that waited for the body would never answer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCreation_FloodOfBigChunkedBodies_KeepsMemoryBounded()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20);
            }
        });
        var statuses = new List<HttpStatusCode?>();
        using var client = _portal.Client("10.8.0.1");
        client.Timeout = TimeSpan.FromSeconds(60);

        // 40 anonymous 25 MB bodies, four at a time, streamed without a declared length (chunked).
        for (var round = 0; round < 10; round++)
        {
            var sends = Enumerable.Range(0, 4).Select(async _ =>
            {
                try
                {
                    using var content = new StreamContent(new BigJsonBody(25 * 1024 * 1024));
                    content.Headers.ContentType = new("application/json");
                    using var response = await client.PostAsync("/api/v1/auth/tokens", content);
                    return (HttpStatusCode?)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return null; // the server closed the connection after refusing the body
                }
            });
            statuses.AddRange(await Task.WhenAll(sends));
        }
        stop.Cancel();
        await sampler;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.DoesNotContain(statuses, s => s is { } code && code != HttpStatusCode.RequestEntityTooLarge && code != HttpStatusCode.TooManyRequests);
        Assert.True(peak - baseline < 150 * 1024 * 1024, $"managed memory peaked {(peak - baseline) / 1048576} MiB above the baseline");
        Assert.True(after - baseline < 50 * 1024 * 1024, $"managed memory stayed {(after - baseline) / 1048576} MiB above the baseline");
    }

    [Fact]
    public async Task TokenCreation_RapidAttemptsFromOneAddress_Get429WithRetryAfter()
    {
        using var client = _portal.Client("10.7.0.1");
        var limit = new Web.Security.RateLimitSettings().SignInPerMinute;
        for (var i = 0; i < limit; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await TokenAsync(client, $"nobody-{i}", "wrong-password-1")).StatusCode);
        }

        var refused = await TokenAsync(client, PortalFactory.AdminName, PortalFactory.AdminPassword);
        using var other = _portal.Client("10.7.0.2");
        var elsewhere = await TokenAsync(other, "nobody", "wrong-password-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, refused.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task LoginForm_RapidPostsFromOneAddress_Get429WithRetryAfter()
    {
        using var client = _portal.Client("10.6.0.1");
        var limit = new Web.Security.RateLimitSettings().SignInPerMinute;
        var page = await client.GetStringAsync("/login");
        var fields = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.UserName"] = "nobody";
        fields["Input.Password"] = "wrong-password-1";
        HttpResponseMessage last = default!;
        for (var i = 0; i <= limit; i++)
        {
            last = await client.PostAsync("/login", new FormUrlEncodedContent(fields));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.NotNull(last.Headers.RetryAfter);
        Assert.Contains("try again in", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_SignsInFromAnotherAddress_WhileAddressAIsThrottled()
    {
        await _portal.EnsureAdminAsync();
        using var attacker = _portal.Client("10.5.0.1");
        for (var i = 0; i < 8; i++)
        {
            await TokenAsync(attacker, PortalFactory.AdminName, "not-the-password-" + i);
        }

        var fromA = await TokenAsync(attacker, PortalFactory.AdminName, PortalFactory.AdminPassword);
        using var admin = _portal.Client("10.5.0.2");
        var fromB = await TokenAsync(admin, PortalFactory.AdminName, PortalFactory.AdminPassword);
        var pageFromB = await LoginErrorAsync(_portal.Client("10.5.0.3"), PortalFactory.AdminName, PortalFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromA.StatusCode);
        Assert.True(fromA.Headers.RetryAfter?.Delta > TimeSpan.Zero, fromA.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", fromA.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many attempts from this address", await fromA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        Assert.Null(pageFromB);
    }

    [Fact]
    public async Task UnknownDisabledAndKnownNames_DoTheSameHashWork_InTheApiAndOnTheLoginPage()
    {
        var known = await CreateUserAsync();
        var disabled = await CreateUserAsync(disabled: true);
        var unknown = $"ghost-{Guid.NewGuid():N}"[..12];
        var work = new Dictionary<string, int>();
        var n = 0;
        foreach (var name in new[] { unknown, disabled, known })
        {
            using var client = _portal.Client($"10.4.0.{++n}");
            var start = _portal.Hasher.Verifications;
            await TokenAsync(client, name, "wrong-password-1");
            var api = _portal.Hasher.Verifications - start;
            start = _portal.Hasher.Verifications;
            await LoginErrorAsync(client, name, "wrong-password-1");
            work[name] = api * 10 + (_portal.Hasher.Verifications - start);
        }

        Assert.Equal(11, work[known]);
        Assert.Equal(work[known], work[unknown]);
        Assert.Equal(work[known], work[disabled]);
    }

    [Fact]
    public async Task LoginPage_Words_AreEqual_ForUnknownWrongDisabledAndThrottledNames()
    {
        var known = await CreateUserAsync();
        var disabled = await CreateUserAsync(disabled: true);
        var unknown = $"ghost-{Guid.NewGuid():N}"[..12];

        var wrong = await LoginErrorAsync(_portal.Client("10.3.0.1"), known, "wrong-password-1");
        var ghost = await LoginErrorAsync(_portal.Client("10.3.0.2"), unknown, "wrong-password-1");
        var off = await LoginErrorAsync(_portal.Client("10.3.0.3"), disabled, PortalFactory.AdminPassword);
        var throttled = new List<string?>();
        foreach (var (name, address) in new[] { (known, "10.3.0.4"), (unknown, "10.3.0.5") })
        {
            using var client = _portal.Client(address);
            for (var i = 0; i < 8; i++)
            {
                await TokenAsync(client, name, "wrong-password-" + i);
            }
            throttled.Add(await LoginErrorAsync(client, name, "wrong-password-x"));
        }

        Assert.Equal("User name or password is wrong, or the account is disabled.", wrong);
        Assert.Equal(wrong, ghost);
        Assert.Equal(wrong, off);
        Assert.All(throttled, t => Assert.Matches("^Too many attempts from this address; try again in [0-9]+ s\\.$", t));
        Assert.Equal(throttled[0]![..40], throttled[1]![..40]);
    }

    /// <summary>A JSON body of the given size, produced as it is read: the test itself holds no 25 MB buffer.</summary>
    private sealed class BigJsonBody(long length) : Stream
    {
        private static readonly byte[] Head = Encoding.ASCII.GetBytes("{\"userName\":\"");
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < Head.Length ? Head[at] : (byte)'a';
            }
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
