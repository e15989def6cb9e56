using System.Text.RegularExpressions;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>What the switch knows of libvirt/KVM: domain names, the backup options, the staging and image directories.</summary>
public sealed partial class LibvirtProfile : IHypervisorProfile
{
    public const string StagingDirectory = "/var/lib/libvirt/drportal";
    public const string ImagesDirectory = "/var/lib/libvirt/images";

    public const string DomainNameRule =
        "A domain name is 1 to 64 letters, digits, '.', '-', '_' or '+', starting with a letter or digit.";

    public HypervisorKind Kind => HypervisorKind.Libvirt;
    public string DisplayName => "libvirt/KVM";
    public string VmRefLabel => "Domain";
    public string VmNoun => "domain";
    public string VmRefHelp => DomainNameRule;

    public DriverCapabilities Capabilities =>
        DriverCapabilities.Incremental | DriverCapabilities.ConsistentSnapshot | DriverCapabilities.GuestAgent | DriverCapabilities.NetworkMapping;

    public IReadOnlyList<BackupOptionSpec> BackupOptions => LibvirtBackupOptions.Specs;

    public string DefaultStagingDirectory => StagingDirectory;

    public string RestoreStorageHelp =>
        $"An absolute directory on the host for the restored disks; empty keeps {ImagesDirectory}.";

    public string? CheckVmRef(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "A domain name is required. " + DomainNameRule;
        }
        if (text.Length > VmRef.MaxLength)
        {
            return $"A domain name is at most {VmRef.MaxLength} characters; this one has {text.Length}.";
        }
        return DomainName().IsMatch(text) ? null : $"'{Clip(text)}' is not a domain name. {DomainNameRule}";
    }

    public string? CheckRestoreStorage(string storage) =>
        HostPath.IsValid(storage) && storage.Length <= 255 && storage != "/"
            ? null
            : "Restore storage must be an absolute directory of letters, digits, '.', '-' and '_' between single '/' (e.g. /var/lib/libvirt/images).";

    /// <summary>The domain a stored reference names; references were validated when the pair was saved, this checks again.</summary>
    /// <exception cref="ArgumentException">Not a domain name this driver accepts.</exception>
    public static string DomainOf(VmRef vm) =>
        !vm.IsEmpty && vm.Value.Length <= VmRef.MaxLength && DomainName().IsMatch(vm.Value)
            ? vm.Value
            : throw new ArgumentException($"'{Clip(vm.Value ?? "")}' is not a libvirt domain name. {DomainNameRule}", nameof(vm));

    // \z, not $: "$" would accept a trailing newline.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\\z")]
    private static partial Regex DomainName();

    private static string Clip(string text)
    {
        var printable = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length <= 40 ? printable : printable[..40] + "…";
    }
}
