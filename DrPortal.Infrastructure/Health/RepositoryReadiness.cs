using DrPortal.Infrastructure.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Health;

/// <summary>Ready when a file can be written to the repository and its free space is above the threshold.</summary>
internal sealed class RepositoryReadiness(ArchiveRepository repository, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var root = repository.Root;
        var probe = Path.Combine(root, $".ready-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(root);
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("The repository is not writable.", ex);
        }
        finally
        {
            File.Delete(probe);
        }
        return repository.FreeBytes(root) < options.Value.RepositoryMinimumFreeBytes
            ? HealthCheckResult.Unhealthy("The repository's free space is below the threshold.")
            : HealthCheckResult.Healthy();
    }
}
