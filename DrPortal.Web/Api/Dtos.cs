using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;

namespace DrPortal.Web.Api;

public sealed record HypervisorDto(
    int Id, string Name, string Address, int SshPort, HypervisorKind Kind, Site Site, string SshUser,
    string StagingDirectory, string? RestoreStorage, int? BandwidthLimitKiBps, string? Note, string? HostKeyFingerprint, bool HostKeyTrusted,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    HostCheckState CheckState, string? CheckMessage, DateTimeOffset? LastSeenAt, DateTimeOffset? LastCheckAt, long? DumpFreeBytes)
{
    public static HypervisorDto From(Hypervisor h) => new(
        h.Id, h.Name, h.Address, h.SshPort, h.Kind, h.Site, h.SshUser, h.StagingDirectory, h.RestoreStorage, h.BandwidthLimitKiBps, h.Note,
        h.HostKeyFingerprint, h.HostKeyFingerprint is not null, h.CreatedAt, h.UpdatedAt,
        h.CheckState, h.CheckMessage, h.LastSeenAt, h.LastCheckAt, h.DumpFreeBytes);
}

/// <param name="Kind">The kind of both hosts; null while a host is not loaded.</param>
/// <param name="SourceVm">The source VM as its kind names it (a Proxmox VMID, a libvirt domain name).</param>
/// <param name="SourceVmUuid">The source VM's own id where its kind has one (libvirt), as last seen.</param>
/// <param name="TargetVm">The replica's name on the recovery host, in the same kind's terms.</param>
/// <param name="HasOwnReplica">The pair has restored a replica whose identity it recorded: that VM is the pair's to replace.</param>
/// <param name="BackupOptions">The kind's backup options (see GET /api/v1/hypervisor-kinds), every one with its value.</param>
public sealed record VmPairDto(
    int Id, HypervisorKind? Kind, int SourceHypervisorId, string? SourceHypervisorName, string SourceVm, string? SourceVmName, string? SourceVmUuid,
    int TargetHypervisorId, string? TargetHypervisorName, string TargetVm,
    ReplicaStart ReplicaStart, bool OverwriteExistingTarget, bool HasOwnReplica, IReadOnlyDictionary<string, string> BackupOptions, bool RemoveSourceCopy,
    int? RpoMinutes, RetentionPolicy Retention, string? Note, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static VmPairDto From(VmPair p) => new(
        p.Id, p.SourceHypervisor?.Kind, p.SourceHypervisorId, p.SourceHypervisor?.Name, p.SourceVm, p.SourceVmName, p.SourceVmUuid, p.TargetHypervisorId,
        p.TargetHypervisor?.Name, p.TargetVm, p.ReplicaStart, p.OverwriteExistingTarget, p.ReplicaIdentity is not null,
        new SortedDictionary<string, string>(p.BackupOptions, StringComparer.Ordinal), p.RemoveSourceCopy, p.RpoMinutes, p.Retention, p.Note, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A hypervisor kind the portal drives: how it names VMs, what it can do, its backup options and defaults.</summary>
public sealed record HypervisorKindDto(
    HypervisorKind Kind, string DisplayName, string VmRefLabel, string VmRefHelp, IReadOnlyList<string> Capabilities,
    IReadOnlyList<BackupOptionSpec> BackupOptions, string DefaultStagingDirectory, string RestoreStorageHelp)
{
    public static HypervisorKindDto From(IHypervisorProfile p) => new(
        p.Kind, p.DisplayName, p.VmRefLabel, p.VmRefHelp,
        Enum.GetValues<DriverCapabilities>().Where(c => c != DriverCapabilities.None && p.Capabilities.HasFlag(c)).Select(c => c.ToString()).ToList(),
        p.BackupOptions, p.DefaultStagingDirectory, p.RestoreStorageHelp);
}

/// <summary>A pair against its RPO, for monitoring: the newest verified archive's age and the next scheduled run.</summary>
public sealed record PairProtectionDto(
    int PairId, int? RpoMinutes, DateTimeOffset? NewestGoodArchiveAt, double? AgeMinutes, int EnabledSchedules, DateTimeOffset? NextRun, RpoStatus Status)
{
    public static PairProtectionDto From(PairProtection p, DateTimeOffset now) => new(
        p.PairId, p.Rpo is { } r ? (int)r.TotalMinutes : null, p.NewestGoodArchiveAt,
        p.NewestGoodArchiveAt is { } at ? Math.Round((now - at).TotalMinutes, 1) : null, p.EnabledSchedules, p.NextRun, p.Status);
}

public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Actor, string Action, string EntityType, string? EntityId, string? Summary, string? Before, string? After)
{
    public static AuditEntryDto From(AuditEntry a) => new(a.Id, a.At, a.Actor, a.Action, a.EntityType, a.EntityId, a.Summary, a.Before, a.After);
}

public sealed record SetupRequest(string? UserName, string? Password);

/// <param name="Code">For a user with two-factor sign-in: the authenticator app's current code, or a recovery code.</param>
/// <param name="Scope">"read-only", "operate" or "admin"; at most what the user's role allows, which is also the default.</param>
/// <param name="LifetimeDays">Days until the token expires; the security policy's default when left out, at most its maximum.</param>
public sealed record CreateTokenRequest(string? UserName, string? Password, string? Name, string? Code = null, string? Scope = null, int? LifetimeDays = null);

public sealed record TokenCreated(int Id, string Name, string Token, string Scope, DateTimeOffset ExpiresAt);

public sealed record TrustRequest(string? Fingerprint);

public sealed record InstallKeyRequest(string? Password);

public sealed record PublicKeyDto(string PublicKey, string AuthorizedKeysLine);

public sealed record CreateUserRequest(string? UserName, string? Password, string? Role);

/// <param name="Role">Admin, Operator or Viewer; left out, the role stays.</param>
/// <param name="Disabled">Left out, the user stays enabled or disabled as now.</param>
public sealed record UpdateUserRequest(string? Role = null, bool? Disabled = null);

public sealed record PasswordRequest(string? Password);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

public sealed record UserDto(string Id, string UserName, string Role, bool IsDisabled, bool IsLockedOut, DateTimeOffset CreatedAt)
{
    public static UserDto From(UserSummary u) => new(u.Id, u.UserName, u.Role, u.IsDisabled, u.IsLockedOut, u.CreatedAt);
}

public sealed record TaskStageDto(string Name, string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? Seconds, string? Message);

public sealed record TaskDto(
    long Id, string Kind, int? PairId, string PairLabel, string Status, string? Stage, double Percent, long BytesDone, long? BytesTotal, double? Throughput,
    string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? Error, string? ErrorOutput, long? ArchiveId, int Attempts, IReadOnlyList<TaskStageDto> Stages,
    int? ScheduleId = null, bool IsCatchUp = false)
{
    public static TaskDto From(DrTask t) => new(
        t.Id, t.Kind.ToString(), t.VmPairId, t.PairLabel, t.Status.ToString(), t.CurrentStage?.ToString(), Math.Round(t.Percent, 1), t.BytesDone, t.BytesTotal, t.Throughput,
        t.RequestedBy, t.CreatedAt, t.StartedAt, t.FinishedAt, t.Error, t.ErrorOutput, t.ArchiveId, t.Attempts,
        t.Stages.OrderBy(s => s.Position)
            .Select(s => new TaskStageDto(s.Name.ToString(), s.Status.ToString(), s.StartedAt, s.FinishedAt, s.Duration?.TotalSeconds, s.Message)).ToList(),
        t.ScheduleId, t.IsCatchUp);
}

public sealed record TaskAccepted(long TaskId, bool Created, string Status);

public sealed record RestoreRequestBody(long? ArchiveId);

public sealed record TaskLogLineDto(long Id, DateTimeOffset At, string Line);

public sealed record TaskLogDto(IReadOnlyList<TaskLogLineDto> Lines, long Next);

/// <summary>A restore point: its manifest of files (each with size and SHA-256) and where copies exist.</summary>
/// <param name="Label">The point's name (Proxmox: the vzdump archive's file name).</param>
/// <param name="ParentId">The point this incremental one holds the changes since; null for a full point.</param>
public sealed record ArchiveDto(
    long Id, int? PairId, int SourceHypervisorId, string SourceHypervisorName, string SourceVm, string Label, long? ParentId, bool Incremental,
    long SizeBytes, IReadOnlyList<ArchiveFileDto> Files,
    DateTimeOffset CreatedAt, DateTimeOffset? PulledAt, bool OnPrimary, bool InRepository, bool OnRecovery, bool Verified, bool Protected,
    ArchiveCopiesDto? Copies = null)
{
    public static ArchiveDto From(Archive a) => new(
        a.Id, a.VmPairId, a.SourceHypervisorId, a.SourceHypervisorName, a.SourceVm, a.Label, a.ParentArchiveId, a.IsIncremental, a.SizeBytes,
        a.Files.Select(f => new ArchiveFileDto(f.Name, f.Role, f.SizeBytes, f.Sha256)).ToList(),
        a.CreatedAt, a.PulledAt, a.OnPrimary, a.InRepository, a.OnRecovery, a.IsVerified, a.IsProtected, ArchiveCopiesDto.From(a));
}

/// <summary>A restore point with its chain.</summary>
/// <param name="Chain">The full point this one builds on and every point up to this one, oldest first (only this one for a full point).</param>
/// <param name="Broken">Null when every point of the chain exists; otherwise why this point cannot be restored.</param>
public sealed record ArchiveDetailDto(ArchiveDto Point, IReadOnlyList<ArchiveDto> Chain, string? Broken)
{
    public static ArchiveDetailDto From(ArchiveChain chain) => new(ArchiveDto.From(chain.Point), chain.Points.Select(ArchiveDto.From).ToList(), chain.Broken);
}

public sealed record ArchiveFileDto(string Name, string Role, long SizeBytes, string? Sha256);
