using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Hosts;

/// <summary>What a user submits to create or edit a host, before validation.</summary>
public sealed record HypervisorInput
{
    public string? Name { get; set; }
    public string? Address { get; set; }
    public int SshPort { get; set; } = 22;
    public HypervisorKind Kind { get; set; } = HypervisorKind.Proxmox;
    public Site Site { get; set; } = Site.Primary;
    public string? SshUser { get; set; } = Hypervisor.DefaultSshUser;

    /// <summary>Empty takes the kind's default (see <see cref="IHypervisorProfile.DefaultStagingDirectory"/>).</summary>
    public string? StagingDirectory { get; set; }
    public string? RestoreStorage { get; set; }
    public int? BandwidthLimitKiBps { get; set; }
    public string? Note { get; set; }

    public static HypervisorInput From(Hypervisor h) => new()
    {
        Name = h.Name,
        Address = h.Address,
        SshPort = h.SshPort,
        Kind = h.Kind,
        Site = h.Site,
        SshUser = h.SshUser,
        StagingDirectory = h.StagingDirectory,
        RestoreStorage = h.RestoreStorage,
        BandwidthLimitKiBps = h.BandwidthLimitKiBps,
        Note = h.Note,
    };

    /// <summary>Checks every field; the kind's own rules (restore storage) come from its profile, and an empty staging directory becomes the kind's default.</summary>
    public ValidationErrors Validate(HypervisorProfiles profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var errors = new ValidationErrors();
        var profile = profiles.Find(Kind);
        TextRules.RequireName(errors, nameof(Name), Name?.Trim(), "Name");
        if (!HostAddress.IsValid(Address?.Trim(), out var addressError))
        {
            errors.Add(nameof(Address), addressError!);
        }
        if (SshPort is < 1 or > 65535)
        {
            errors.Add(nameof(SshPort), "SSH port must be from 1 to 65535.");
        }
        if (profile is null)
        {
            errors.Add(nameof(Kind), $"Kind must be {profiles.KindList}.");
        }
        if (!Enum.IsDefined(Site))
        {
            errors.Add(nameof(Site), "Site must be Primary or Recovery.");
        }
        var user = SshUser?.Trim();
        if (string.IsNullOrEmpty(user))
        {
            errors.Add(nameof(SshUser), "SSH user is required.");
        }
        else if (!TextRules.UnixUser().IsMatch(user))
        {
            errors.Add(nameof(SshUser), "SSH user must be a Unix user name: lower-case letters, digits, '_' and '-', at most 32 characters.");
        }
        if (string.IsNullOrWhiteSpace(StagingDirectory) && profile is not null)
        {
            StagingDirectory = profile.DefaultStagingDirectory;
        }
        var dir = StagingDirectory?.Trim();
        if (string.IsNullOrEmpty(dir))
        {
            errors.Add(nameof(StagingDirectory), "Staging directory is required.");
        }
        else if (!TextRules.IsSafeAbsolutePath(dir))
        {
            errors.Add(nameof(StagingDirectory), "Staging directory must be an absolute path of letters, digits, '.', '-' and '_' (no '..'), at most 255 characters.");
        }
        var storage = RestoreStorage?.Trim();
        if (!string.IsNullOrEmpty(storage) && profile?.CheckRestoreStorage(storage) is { } storageError)
        {
            errors.Add(nameof(RestoreStorage), storageError);
        }
        if (BandwidthLimitKiBps is < 1 or > 100_000_000)
        {
            errors.Add(nameof(BandwidthLimitKiBps), "Bandwidth limit must be from 1 to 100000000 KiB/s, or empty for none.");
        }
        TextRules.OptionalNote(errors, nameof(Note), Note);
        return errors;
    }
}
