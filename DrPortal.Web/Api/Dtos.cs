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
    string DumpDirectory, string? RestoreStorage, int? BandwidthLimitKiBps, string? Note, string? HostKeyFingerprint, bool HostKeyTrusted,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static HypervisorDto From(Hypervisor h) => new(
        h.Id, h.Name, h.Address, h.SshPort, h.Kind, h.Site, h.SshUser, h.DumpDirectory, h.RestoreStorage, h.BandwidthLimitKiBps, h.Note,
        h.HostKeyFingerprint, h.HostKeyFingerprint is not null, h.CreatedAt, h.UpdatedAt);
}

/// <param name="HasOwnReplica">The pair has restored a replica whose identity it recorded: that VM is the pair's to replace.</param>
public sealed record VmPairDto(
    int Id, int SourceHypervisorId, string? SourceHypervisorName, int SourceVmId, string? SourceVmName,
    int TargetHypervisorId, string? TargetHypervisorName, int TargetVmId,
    ReplicaStart ReplicaStart, bool OverwriteExistingTarget, bool HasOwnReplica, BackupCompression Compression, BackupMode BackupMode, bool RemoveSourceCopy,
    int? RpoMinutes, RetentionPolicy Retention, string? Note, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static VmPairDto From(VmPair p) => new(
        p.Id, p.SourceHypervisorId, p.SourceHypervisor?.Name, p.SourceVmId, p.SourceVmName, p.TargetHypervisorId, p.TargetHypervisor?.Name,
        p.TargetVmId, p.ReplicaStart, p.OverwriteExistingTarget, p.ReplicaIdentity is not null, p.Compression, p.BackupMode, p.RemoveSourceCopy,
        p.RpoMinutes, p.Retention, p.Note, p.CreatedAt, p.UpdatedAt);
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

public sealed record CreateTokenRequest(string? UserName, string? Password, string? Name);

public sealed record TokenCreated(int Id, string Name, string Token);

public sealed record TrustRequest(string? Fingerprint);

public sealed record InstallKeyRequest(string? Password);

public sealed record PublicKeyDto(string PublicKey, string AuthorizedKeysLine);

public sealed record CreateUserRequest(string? UserName, string? Password, string? Role);

public sealed record UpdateUserRequest(string? Role, bool Disabled);

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

public sealed record ArchiveDto(
    long Id, int? PairId, int SourceHypervisorId, string SourceHypervisorName, int SourceVmId, string FileName, long SizeBytes, string? Sha256,
    DateTimeOffset CreatedAt, DateTimeOffset? PulledAt, bool OnPrimary, bool InRepository, bool OnRecovery, bool Verified, bool Protected)
{
    public static ArchiveDto From(Archive a) => new(
        a.Id, a.VmPairId, a.SourceHypervisorId, a.SourceHypervisorName, a.SourceVmId, a.FileName, a.SizeBytes, a.Sha256,
        a.CreatedAt, a.PulledAt, a.OnPrimary, a.InRepository, a.OnRecovery, a.IsVerified, a.IsProtected);
}
