namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A network interface of a domain: its MAC and whether its link is set down in the configuration.</summary>
public sealed record LibvirtNic(string? Mac, bool LinkDown);
