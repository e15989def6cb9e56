using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;

namespace DrPortal.Web.Api;

public sealed record HypervisorDto(
    int Id, string Name, string Address, int SshPort, HypervisorKind Kind, Site Site, string SshUser,
    string DumpDirectory, string? RestoreStorage, string? Note, string? HostKeyFingerprint, bool HostKeyTrusted,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static HypervisorDto From(Hypervisor h) => new(
        h.Id, h.Name, h.Address, h.SshPort, h.Kind, h.Site, h.SshUser, h.DumpDirectory, h.RestoreStorage, h.Note,
        h.HostKeyFingerprint, h.HostKeyFingerprint is not null, h.CreatedAt, h.UpdatedAt);
}

public sealed record VmPairDto(
    int Id, int SourceHypervisorId, string? SourceHypervisorName, int SourceVmId,
    int TargetHypervisorId, string? TargetHypervisorName, int TargetVmId,
    bool StartAfterRestore, bool OverwriteExistingTarget, string? Note, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static VmPairDto From(VmPair p) => new(
        p.Id, p.SourceHypervisorId, p.SourceHypervisor?.Name, p.SourceVmId, p.TargetHypervisorId, p.TargetHypervisor?.Name,
        p.TargetVmId, p.StartAfterRestore, p.OverwriteExistingTarget, p.Note, p.CreatedAt, p.UpdatedAt);
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
