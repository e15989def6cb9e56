using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors;

/// <summary>The VMs one host listed at a moment, or why it could not.</summary>
internal sealed record HostVmList(string HostName, IReadOnlyList<VmInfo> Vms, DateTimeOffset ListedAt, string? Error);
