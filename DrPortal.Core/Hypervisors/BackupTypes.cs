using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Hypervisors;

public sealed record BackupRequest(VmId VmId, string DumpDirectory, BackupCompression Compression, BackupMode Mode, int? BandwidthLimitKiBps = null);

/// <param name="ArchivePath">Absolute path of the finished archive on the host.</param>
/// <param name="LogPath">The vzdump log beside it.</param>
/// <param name="Warnings">WARN lines; a backup with warnings succeeded.</param>
public sealed record BackupOutcome(string ArchivePath, string LogPath, IReadOnlyList<string> Warnings);

/// <param name="ArchivePath">Absolute path of the archive on the recovery host.</param>
/// <param name="Force">Replace an existing (stopped) VM at the VMID.</param>
/// <param name="Storage">Target storage for the disks; null keeps the archive's.</param>
public sealed record RestoreRequest(string ArchivePath, VmId VmId, bool Force, string? Storage);

public sealed record RestoreOutcome(IReadOnlyList<string> Warnings);
