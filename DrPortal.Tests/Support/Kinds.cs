using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Support;

/// <summary>The kinds' real profiles, for tests of validation that does not need a portal.</summary>
internal static class Kinds
{
    public static HypervisorProfiles Proxmox { get; } = new([new ProxmoxProfile()]);
}
