using Microsoft.AspNetCore.Hosting;

namespace DrPortal.Tests.Support;

/// <summary>A portal whose failed notifications are retried after one second (then 2, 4, …) and whose messages link to a known base URL.</summary>
public sealed class NotificationPortal : PortalFactory
{
    public const string PublicBaseUrl = "https://drportal.example.org";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DrPortal:NotificationRetrySeconds", "1");
        builder.UseSetting("DrPortal:PublicBaseUrl", PublicBaseUrl);
    }
}
