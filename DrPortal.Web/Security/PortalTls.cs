using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DrPortal.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Security;

/// <summary>
/// The portal serving HTTPS itself (`./dr run --https`, or any https:// entry in its URLs). The certificate is the
/// admin's PEM pair ("DrPortal:Tls:CertificatePath" and "DrPortal:Tls:KeyPath"; ./dr maps DRPORTAL_TLS_CERT and
/// DRPORTAL_TLS_KEY onto them) or else a self-signed one made once under &lt;data dir&gt;/tls for localhost,
/// 127.0.0.1, ::1, this machine's name, "DrPortal:Tls:HostName" and the names in AllowedHosts. It is made again only
/// when it is missing, near its end or does not name one of those.
/// </summary>
internal static class PortalTls
{
    public const string CertificateSetting = "DrPortal:Tls:CertificatePath";
    public const string KeySetting = "DrPortal:Tls:KeyPath";
    public const string HostNameSetting = "DrPortal:Tls:HostName";

    private const string CertificateFile = "portal.crt";
    private const string KeyFile = "portal.key";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(825);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>Whether the portal binds an https:// address itself (rather than sitting behind a TLS proxy).</summary>
    public static bool ServesHttps(IConfiguration configuration) => Urls(configuration).Any(IsHttps);

    /// <summary>
    /// Kestrel's certificate for every HTTPS endpoint, and the cookies' Secure flag: always when the portal serves
    /// HTTPS itself, else whenever the request is HTTPS (behind a trusted TLS proxy). The antiforgery cookie's own
    /// default would never be Secure.
    /// </summary>
    public static void UsePortalTls(this WebApplicationBuilder builder)
    {
        if (!ServesHttps(builder.Configuration))
        {
            builder.Services.PostConfigure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
            return;
        }
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            var dataDirectory = kestrel.ApplicationServices.GetRequiredService<IOptions<DrPortalOptions>>().Value.DataDirectory;
            https.ServerCertificate = Certificate(configuration, Path.Combine(dataDirectory, "tls"));
        }));
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        builder.Services.PostConfigure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
    }

    /// <summary>Plain HTTP is answered with a redirect to HTTPS when the portal serves both.</summary>
    public static void UsePortalHttpsRedirection(this WebApplication app)
    {
        var urls = Urls(app.Configuration);
        if (urls.Any(IsHttps) && !urls.All(IsHttps))
        {
            app.UseHttpsRedirection();
        }
    }

    /// <summary>The admin's certificate when both PEM paths are set, else the generated one in <paramref name="tlsDirectory"/>.</summary>
    internal static X509Certificate2 Certificate(IConfiguration configuration, string tlsDirectory)
    {
        var (certificatePath, keyPath) = (configuration[CertificateSetting], configuration[KeySetting]);
        if (!string.IsNullOrWhiteSpace(certificatePath) || !string.IsNullOrWhiteSpace(keyPath))
        {
            if (string.IsNullOrWhiteSpace(certificatePath) || string.IsNullOrWhiteSpace(keyPath))
            {
                throw new InvalidOperationException($"{CertificateSetting} and {KeySetting} go together: set both PEM files or neither.");
            }
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        return SelfSigned(tlsDirectory, HostNames(configuration), TimeProvider.System);
    }

    /// <summary>The generated certificate, made (again) when it is missing, expiring within 30 days or lacks one of <paramref name="names"/>.</summary>
    internal static X509Certificate2 SelfSigned(string tlsDirectory, IReadOnlyCollection<string> names, TimeProvider clock)
    {
        var certificatePath = Path.Combine(tlsDirectory, CertificateFile);
        var keyPath = Path.Combine(tlsDirectory, KeyFile);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime > RenewBefore && Covers(existing, names))
            {
                return existing;
            }
            existing.Dispose();
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(tlsDirectory);
        }
        else
        {
            Directory.CreateDirectory(tlsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=DrPortal ({Environment.MachineName})", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }
        request.CertificateExtensions.Add(alternativeNames.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        var now = clock.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));

        // The key is born 0600 (never world-readable, not even for a moment); each file is swapped in whole.
        WriteFile(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteFile(certificatePath, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>The names the generated certificate must carry.</summary>
    internal static IReadOnlyCollection<string> HostNames(IConfiguration configuration)
    {
        var configured = (configuration[HostNameSetting] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var allowed = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(h => !h.Contains('*', StringComparison.Ordinal))
            .Select(h => h.Trim('[', ']'));
        return [.. new[] { "localhost", "127.0.0.1", "::1", Dns.GetHostName() }.Concat(configured).Concat(allowed)
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static bool Covers(X509Certificate2 certificate, IEnumerable<string> names)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return false;
        }
        var dnsNames = extension.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var addresses = extension.EnumerateIPAddresses().ToHashSet();
        return names.All(n => IPAddress.TryParse(n, out var address) ? addresses.Contains(address) : dnsNames.Contains(n));
    }

    private static void WriteFile(string path, string text, UnixFileMode mode)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static string[] Urls(IConfiguration configuration) =>
        (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
