using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DrPortalDbContext>
{
    public DrPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DrPortalDbContext>();
        Database.Configure(options, "Server=127.0.0.1;Port=3307;Database=drportal;User=drportal");
        return new DrPortalDbContext(options.Options);
    }
}
