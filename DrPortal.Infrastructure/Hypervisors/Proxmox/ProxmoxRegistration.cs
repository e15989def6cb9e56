using DrPortal.Core.Hypervisors;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

public static class ProxmoxRegistration
{
    /// <summary>Proxmox VE as a hypervisor kind of the switch: its profile and its driver.</summary>
    public static IServiceCollection AddProxmoxDriver(this IServiceCollection services)
    {
        services.AddSingleton<ProxmoxProfile>();
        services.AddSingleton<IHypervisorProfile>(sp => sp.GetRequiredService<ProxmoxProfile>());
        services.AddSingleton<IHypervisorDriver, ProxmoxDriver>();
        return services;
    }
}
