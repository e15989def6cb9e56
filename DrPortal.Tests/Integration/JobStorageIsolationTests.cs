using DrPortal.Tests.Support;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Each portal instance has its own job storage: one that stops does not take another's queue with it.</summary>
public class JobStorageIsolationTests
{
    [Fact]
    public async Task TwoPortalsInOneProcess_HaveTheirOwnJobStorage_AndOneStoppingLeavesTheOtherWorking()
    {
        var a = new PortalFactory();
        var b = new PortalFactory();
        await a.InitializeAsync();
        await b.InitializeAsync();
        try
        {
            var storageA = a.Services.GetRequiredService<JobStorage>();
            var storageB = b.Services.GetRequiredService<JobStorage>();
            Assert.NotSame(storageA, storageB);

            await ((IAsyncLifetime)b).DisposeAsync();

            using var connection = storageA.GetConnection();
            Assert.NotNull(connection.GetRecurringJobs());
        }
        finally
        {
            await ((IAsyncLifetime)a).DisposeAsync();
        }
    }
}
