using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Hypervisors;

/// <param name="Tag">Marks the vzdump process so <see cref="IHypervisorDriver.StopTaggedAsync"/> can find it after the portal lost it.</param>
public sealed record BackupRequest(VmId VmId, string DumpDirectory, BackupCompression Compression, BackupMode Mode, int? BandwidthLimitKiBps = null,
    CommandTag? Tag = null);

/// <param name="ArchivePath">Absolute path of the finished archive on the host.</param>
/// <param name="LogPath">The vzdump log beside it.</param>
/// <param name="Warnings">WARN lines; a backup with warnings succeeded.</param>
public sealed record BackupOutcome(string ArchivePath, string LogPath, IReadOnlyList<string> Warnings);

/// <param name="ArchivePath">Absolute path of the archive on the recovery host.</param>
/// <param name="Force">Replace an existing (stopped) VM at the VMID.</param>
/// <param name="Storage">Target storage for the disks; null keeps the archive's.</param>
/// <param name="Tag">Marks the qmrestore process, as for <see cref="BackupRequest"/>.</param>
public sealed record RestoreRequest(string ArchivePath, VmId VmId, bool Force, string? Storage, CommandTag? Tag = null);

public sealed record RestoreOutcome(IReadOnlyList<string> Warnings);
