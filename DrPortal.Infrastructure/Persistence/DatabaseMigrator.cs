using DrPortal.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>Brings the schema and the data it carries up to date, and makes sure the three roles exist.</summary>
public sealed class DatabaseMigrator(
    IDbContextFactory<DrPortalDbContext> contexts,
    RoleManager<IdentityRole> roles,
    Tasks.ArchiveRepository repository,
    ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(ct);
            }
        }
        await new ManifestBackfill(contexts, repository).RunAsync(ct);
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }
}
