using Microsoft.Extensions.Hosting;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Registers the digest's recurring job at start from its settings row (Hangfire's in-memory storage forgot it).</summary>
internal sealed class ReadinessDigestRegistration(ReadinessDigestService digest) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => digest.Schedule(await digest.GetAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
