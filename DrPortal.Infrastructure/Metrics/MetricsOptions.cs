namespace DrPortal.Infrastructure.Metrics;

/// <summary>/metrics, under "DrPortal:Metrics" (environment: DrPortal__Metrics__Token, DrPortal__Metrics__AllowedNetworks, ...).</summary>
public sealed class MetricsOptions
{
    public const string Section = "DrPortal:Metrics";

    /// <summary>A scraper sending "Authorization: Bearer &lt;this&gt;" may read /metrics from any network. Unset: no token works.</summary>
    public string? Token { get; set; }

    /// <summary>The same as <see cref="Token"/>, given as the hex SHA-256 of the token so the clear token is in no file.</summary>
    public string? TokenSha256 { get; set; }

    /// <summary>Networks (CIDR or single addresses) that may read /metrics without a token; loopback only by default.</summary>
    public string AllowedNetworks { get; set; } = "127.0.0.0/8,::1/128";

    /// <summary>How long the figures read from the database are reused between scrapes.</summary>
    public int CacheSeconds { get; set; } = 5;

    /// <summary>At most this many pairs and this many hosts get series of their own (label cardinality stays bounded).</summary>
    public int MaxLabelledItems { get; set; } = 500;
}
