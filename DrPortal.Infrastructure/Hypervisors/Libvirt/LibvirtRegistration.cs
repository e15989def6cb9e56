using DrPortal.Core.Hypervisors;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

public static class LibvirtRegistration
{
    /// <summary>libvirt/KVM as a hypervisor kind of the switch: its profile and its driver.</summary>
    public static IServiceCollection AddLibvirtDriver(this IServiceCollection services)
    {
        services.AddSingleton<LibvirtProfile>();
        services.AddSingleton<IHypervisorProfile>(sp => sp.GetRequiredService<LibvirtProfile>());
        services.AddSingleton<IHypervisorDriver, LibvirtDriver>();
        return services;
    }
}
