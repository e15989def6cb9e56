using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using DrPortal.Tests.Support;
using DrPortal.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

public class SecurityHeadersTests(TrustedProxyPortal portal) : IClassFixture<TrustedProxyPortal>
{
    private static readonly Regex NonceInPolicy = new("'nonce-([^']+)'", RegexOptions.Compiled);
    private static readonly Regex ImportMapNonce = new("<script[^>]*type=\"importmap\"[^>]*nonce=\"([^\"]+)\"|<script[^>]*nonce=\"([^\"]+)\"[^>]*type=\"importmap\"", RegexOptions.Compiled);

    private HttpClient PlainClient() => portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

    private static void AssertEveryHeader(HttpResponseMessage response)
    {
        var path = response.RequestMessage!.RequestUri!.AbsolutePath;
        string One(string name) => Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
        Assert.Equal("nosniff", One("X-Content-Type-Options"));
        Assert.Equal("same-origin", One("Referrer-Policy"));
        Assert.Equal("same-origin", One("Cross-Origin-Opener-Policy"));
        var permissions = One("Permissions-Policy");
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()" })
        {
            Assert.Contains(feature, permissions, StringComparison.Ordinal);
        }
        // One policy: Blazor's own frame-ancestors header is folded into it, not sent beside it.
        var csp = One("Content-Security-Policy");
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self' 'nonce-", "connect-src 'self'", "img-src 'self' data:", "font-src 'self' data:",
            "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'" })
        {
            Assert.True(csp.Contains(directive, StringComparison.Ordinal), $"{path}: '{directive}' missing from {csp}");
        }
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        // Plain HTTP: no HSTS (a browser would ignore it, and a proxy that strips TLS must not pin it).
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), path);
    }

    [Fact]
    public async Task Page_EveryHeaderPresent()
    {
        await portal.EnsureAdminAsync();
        using var client = PlainClient();

        using var response = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertEveryHeader(response);
    }

    [Fact]
    public async Task ApiAnswers_EveryHeaderPresent_OnSuccessAndOnRefusal()
    {
        using var admin = await portal.CreateAdminClientAsync();
        using var anonymous = PlainClient();

        using var ok = await admin.GetAsync("/api/v1/hypervisors");
        using var refused = await anonymous.GetAsync("/api/v1/hypervisors");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        AssertEveryHeader(ok);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        AssertEveryHeader(refused);
    }

    [Fact]
    public async Task StaticAssetAndNotFoundPage_EveryHeaderPresent()
    {
        await portal.EnsureAdminAsync();
        using var client = PlainClient();

        using var asset = await client.GetAsync("/portal.js");
        using var admin = await portal.CreateAdminClientAsync();
        using var missing = await admin.GetAsync("/api/v1/no-such-resource");

        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("drPortal", await asset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertEveryHeader(asset);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertEveryHeader(missing);
    }

    [Fact]
    public async Task Page_CspNonce_MatchesTheImportMapAndDiffersBetweenRequests()
    {
        await portal.EnsureAdminAsync();
        using var client = PlainClient();

        var nonces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync("/login");
            var policyNonce = NonceInPolicy.Match(response.Headers.GetValues("Content-Security-Policy").Single());
            var page = ImportMapNonce.Match(await response.Content.ReadAsStringAsync());
            Assert.True(policyNonce.Success, "no nonce in the policy");
            Assert.True(page.Success, "the import map carries no nonce");
            var mapNonce = page.Groups[1].Success ? page.Groups[1].Value : page.Groups[2].Value;
            Assert.Equal(policyNonce.Groups[1].Value, WebUtility.HtmlDecode(mapNonce));
            Assert.True(Convert.FromBase64String(policyNonce.Groups[1].Value).Length >= 16, "a nonce of at least 128 bits");
            nonces.Add(policyNonce.Groups[1].Value);
        }
        Assert.NotEqual(nonces[0], nonces[1]);
    }

    [Fact]
    public void ShippedSettings_AllowOnlyLoopbackHostNames()
    {
        var configuration = portal.Services.GetRequiredService<IConfiguration>();

        Assert.Equal("localhost;127.0.0.1;[::1]", configuration["AllowedHosts"]);
    }

    [Fact]
    public async Task ForeignHostHeader_Refused400_AndTheLoginRedirectStaysLocal()
    {
        await portal.EnsureAdminAsync();
        using var client = PlainClient();

        using var evil = new HttpRequestMessage(HttpMethod.Get, "/hosts");
        evil.Headers.Host = "evil.example";
        using var refused = await client.SendAsync(evil);
        using var local = await client.GetAsync("/hosts");
        // Host filtering runs before the forwarded headers, so a trusted proxy's X-Forwarded-Host is held to the same list.
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/hosts");
        forwarded.Headers.Add(TestPeerAddress.Header, "10.9.0.5");
        forwarded.Headers.Add("X-Forwarded-Host", "evil.example");
        using var viaProxy = await client.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, local.StatusCode);
        Assert.Equal("localhost", LocationHost(local));
        Assert.Equal(HttpStatusCode.Redirect, viaProxy.StatusCode);
        Assert.Equal("localhost", LocationHost(viaProxy));
    }

    [Fact]
    public async Task ForwardedProto_HonouredOnlyFromATrustedProxy_ThenTheRequestIsHttpsAndTheCookieSecure()
    {
        await portal.EnsureAdminAsync();

        var trusted = await LogInThroughAsync("10.9.0.5");
        var stranger = await LogInThroughAsync("10.8.0.1");
        // The framework trusts loopback by default; the portal trusts only what the admin listed.
        var loopback = await LogInThroughAsync("127.0.0.1");

        Assert.Equal(HttpStatusCode.Redirect, trusted.Status);
        Assert.Contains("; secure", trusted.Cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("https://localhost/", trusted.Location, StringComparison.Ordinal);
        foreach (var ignored in new[] { stranger, loopback })
        {
            Assert.Equal(HttpStatusCode.Redirect, ignored.Status);
            Assert.DoesNotContain("secure", ignored.Cookie, StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("http://localhost/", ignored.Location, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TrustedProxies_MalformedEntry_RefusedNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TrustedForwardedHeaders.Setting] = "10.0.0.1, proxy.example" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => TrustedForwardedHeaders.Parse(configuration));

        Assert.Contains("DrPortal:TrustedProxies", error.Message, StringComparison.Ordinal);
        Assert.Contains("proxy.example", error.Message, StringComparison.Ordinal);
    }

    private static string? LocationHost(HttpResponseMessage response) =>
        response.Headers.Location is { IsAbsoluteUri: true } location ? location.Host : "localhost";

    /// <summary>
    /// Signs the admin in through the login form, as a reverse proxy at <paramref name="peer"/> would pass it on
    /// with "X-Forwarded-Proto: https"; returns the status, the sign-in cookie's Set-Cookie line and where it leads.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Cookie, string Location)> LogInThroughAsync(string peer)
    {
        using var client = PlainClient();
        HttpRequestMessage Forwarded(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Add(TestPeerAddress.Header, peer);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "192.0.2.44");
            return request;
        }

        using var form = Forwarded(HttpMethod.Get, "/login");
        using var page = await client.SendAsync(form);
        var html = await page.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "no antiforgery token on the login page");
        var antiforgery = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);

        using var post = Forwarded(HttpMethod.Post, "/login");
        post.Headers.Add("Cookie", string.Join("; ", antiforgery));
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value),
            ["Input.UserName"] = PortalFactory.AdminName,
            ["Input.Password"] = PortalFactory.AdminPassword,
        });
        using var response = await client.SendAsync(post);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.SingleOrDefault(c => c.StartsWith("drportal=", StringComparison.Ordinal)) : null;
        Assert.True(cookie is not null, $"no sign-in cookie: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        // The login page's own redirect after sign-in (forceLoad), built on the request's scheme and host.
        using var probe = Forwarded(HttpMethod.Get, "/hosts");
        using var challenge = await client.SendAsync(probe);
        return (response.StatusCode, cookie, challenge.Headers.Location?.ToString() ?? "");
    }
}

public class PortalTlsTests(HttpsPortal portal) : IClassFixture<HttpsPortal>
{
    private string TlsDirectory => Path.Combine(portal.DataDirectory, "tls");

    /// <summary>
    /// A client that trusts exactly the portal's generated certificate (pinned by its bytes, nothing else) and,
    /// for <paramref name="host"/>, still connects to the portal's loopback port.
    /// </summary>
    private HttpClient PinnedClient(string host)
    {
        var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(TlsDirectory, "portal.crt")));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData) },
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, portal.BaseAddress.Port, cancellation);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{host}:{portal.BaseAddress.Port}/") };
    }

    /// <summary>First-run setup through the pinned client (the factory's own client does not trust the certificate).</summary>
    private async Task EnsureAdminAsync()
    {
        using var client = PinnedClient("127.0.0.1");
        using var response = await client.PostAsJsonAsync("/api/v1/setup", new Web.Api.SetupRequest(PortalFactory.AdminName, PortalFactory.AdminPassword));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, $"setup: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task GeneratedCertificate_PinnedClientConnects_KeyIsPrivate_AndNamesTheHosts()
    {
        await EnsureAdminAsync();
        using var client = PinnedClient("127.0.0.1");

        using var response = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(TlsDirectory, "portal.key")));
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(TlsDirectory, "portal.crt")));
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(HttpsPortal.HostName, names.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains(IPAddress.IPv6Loopback, names.EnumerateIPAddresses());
    }

    [Fact]
    public async Task SignIn_OverThePortalsHttps_CookieSecureAndHstsSent()
    {
        await EnsureAdminAsync();
        using var client = PinnedClient(HttpsPortal.HostName);

        using var page = await client.GetAsync("/login");
        var html = await page.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "no antiforgery token on the login page");
        var antiforgery = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value),
                ["Input.UserName"] = PortalFactory.AdminName,
                ["Input.Password"] = PortalFactory.AdminPassword,
            }),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var signedIn = await client.SendAsync(post);

        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("drportal=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public void SelfSigned_SecondCall_ReusesTheCertificate_UnlessANameIsMissing()
    {
        var directory = TestEnvironment.CreateTempDirectory("drportal-tls");
        try
        {
            using var first = PortalTls.SelfSigned(directory, ["localhost", "127.0.0.1", "::1", Dns.GetHostName()], TimeProvider.System);
            using var again = PortalTls.SelfSigned(directory, ["localhost", "::1"], TimeProvider.System);
            using var renamed = PortalTls.SelfSigned(directory, ["localhost", "dr.example"], TimeProvider.System);

            Assert.Equal(first.Thumbprint, again.Thumbprint);
            Assert.NotEqual(first.Thumbprint, renamed.Thumbprint);
            Assert.Contains("dr.example", renamed.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
            Assert.True(renamed.HasPrivateKey);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
