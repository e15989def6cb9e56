using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Remote;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DrPortalOptions>(configuration.GetSection(DrPortalOptions.Section));
        var dataDirectory = Path.GetFullPath(configuration[$"{DrPortalOptions.Section}:DataDirectory"] ?? ".data");
        services.PostConfigure<DrPortalOptions>(o => o.DataDirectory = dataDirectory);

        var connectionString = configuration.GetConnectionString("DrPortal")
            ?? throw new InvalidOperationException("ConnectionStrings:DrPortal is not set. Run the portal with ./dr run, or set ConnectionStrings__DrPortal.");
        services.AddDbContextFactory<DrPortalDbContext>(o => Database.Configure(o, connectionString));
        // Identity's stores want a scoped context; it comes from the same factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContext());

        services.AddDataProtection()
            .SetApplicationName("DrPortal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "dataprotection-keys")));

        services.AddSingleton<IClock, SystemClock>();
        services.AddSingleton<IPortalKey, PortalKey>();
        services.AddSingleton<IRemoteShell, SshNetRemoteShell>();
        services.AddSingleton<IHypervisorDriver, ProxmoxDriver>();
        services.AddSingleton<IHypervisorStore, HypervisorStore>();
        services.AddSingleton<IVmPairStore, VmPairStore>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IHostConnections, HostConnections>();
        services.AddSingleton<IUserAccounts, Accounts.UserAccounts>();
        services.AddTransient<DatabaseMigrator>();
        return services;
    }
}
