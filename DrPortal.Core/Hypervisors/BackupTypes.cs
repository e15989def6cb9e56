using DrPortal.Core.Archives;

namespace DrPortal.Core.Hypervisors;

/// <param name="Vm">The VM to back up.</param>
/// <param name="Options">The pair's backup options, complete (see <see cref="HypervisorProfiles.CompleteOptions"/>).</param>
/// <param name="Base">
/// The newest restore point of the pair whose data the portal holds verified, or null: a kind that backs up
/// incrementally may build on it, or say why it could not and make a full backup.
/// </param>
public sealed record BackupRequest(VmRef Vm, IReadOnlyDictionary<string, string> Options, int? BandwidthLimitKiBps = null, RestorePointInfo? Base = null);

/// <summary>What a backup left on the source host.</summary>
/// <param name="Files">Every file of the new restore point, each under the host's staging directory.</param>
/// <param name="Label">The point's name for people (Proxmox: the archive's file name).</param>
/// <param name="Metadata">The driver's own facts about the point (checkpoint, disks), kept with it and handed back later.</param>
/// <param name="BasedOn">The id of <see cref="BackupRequest.Base"/> when the point is incremental on it; null for a full point.</param>
/// <param name="Warnings">Warnings; a backup with warnings succeeded.</param>
public sealed record BackupOutcome(IReadOnlyList<HostFile> Files, string Label, string? Metadata, long? BasedOn, IReadOnlyList<string> Warnings);

/// <summary>A restore point as a driver is told about it: its files' names and roles, and its metadata.</summary>
public sealed record RestorePointInfo(long Id, string Label, string? Metadata, bool Incremental, IReadOnlyList<ArchiveFileInfo> Files, DateTimeOffset CreatedAt)
{
    public static RestorePointInfo Of(Archive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return new(archive.Id, archive.Label, archive.Metadata, archive.ParentArchiveId is not null,
            archive.Files.Select(f => new ArchiveFileInfo(f.Name, f.Role, f.SizeBytes, f.Sha256)).ToList(), archive.CreatedAt);
    }
}

/// <param name="Name">The file's name as its driver chose it.</param>
public sealed record ArchiveFileInfo(string Name, string Role, long SizeBytes, string? Sha256);

/// <param name="Chain">The points to restore, oldest first: a full point, then each incremental on it up to the chosen one. Their files lie in the host's staging directory, verified.</param>
/// <param name="Target">The VM to create or replace.</param>
/// <param name="Force">Replace an existing (stopped) VM at the target.</param>
/// <param name="Storage">Target storage for the disks; null keeps the kind's default.</param>
public sealed record RestoreRequest(IReadOnlyList<RestorePointInfo> Chain, VmRef Target, bool Force, string? Storage);

public sealed record RestoreOutcome(IReadOnlyList<string> Warnings);
