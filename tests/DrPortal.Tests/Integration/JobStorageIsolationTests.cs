using DrPortal.Tests.Support;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Each portal instance has its own job queue: a task enqueued by one is never run by another's server.</summary>
public class JobStorageIsolationTests
{
    [Fact]
    public async Task TwoPortalsInOneProcess_HaveTheirOwnJobStorage()
    {
        await using var a = new PortalFactory();
        await using var b = new PortalFactory();
        await a.InitializeAsync();
        await b.InitializeAsync();
        try
        {
            var storageA = a.Services.GetRequiredService<JobStorage>();
            var storageB = b.Services.GetRequiredService<JobStorage>();

            Assert.NotSame(storageA, storageB);
            Assert.Same(storageA, a.Services.GetRequiredService<JobStorage>());
        }
        finally
        {
            await ((IAsyncLifetime)a).DisposeAsync();
            await ((IAsyncLifetime)b).DisposeAsync();
        }
    }
}
