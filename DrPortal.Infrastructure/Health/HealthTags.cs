namespace DrPortal.Infrastructure.Health;

/// <summary>Tags of the registered health checks: /readyz runs those tagged <see cref="Ready"/>; /healthz runs none.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
