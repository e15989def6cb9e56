using System.Globalization;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Tests.Support;

namespace DrPortal.Tests.Unit;

public class HypervisorInputTests
{
    private static HypervisorInput Valid() => new() { Name = "pve-dc1", Address = "10.250.0.11" };

    [Fact]
    public void Validate_Defaults_AreAccepted() => Assert.True(Valid().Validate(Kinds.Proxmox).IsEmpty);

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("fd00::1")]
    [InlineData("::1")]
    [InlineData("pve1.example.org")]
    [InlineData("pve-01")]
    public void Validate_GoodAddress_IsAccepted(string address) =>
        Assert.True((Valid() with { Address = address }).Validate(Kinds.Proxmox).IsEmpty);

    [Theory]
    [InlineData("")]
    [InlineData("256.1.1.1")]
    [InlineData("10.0.0")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[::1]")]
    [InlineData("host name")]
    [InlineData("host;reboot")]
    [InlineData("$(id)")]
    [InlineData("-oProxyCommand=sh")]
    [InlineData("a..b")]
    public void Validate_BadAddress_NamesTheField(string address)
    {
        var errors = (Valid() with { Address = address }).Validate(Kinds.Proxmox);
        Assert.True(errors.Has(nameof(HypervisorInput.Address)), $"'{address}' should be refused");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_BadPort_NamesTheField(int port) =>
        Assert.True((Valid() with { SshPort = port }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.SshPort)));

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("x'; DROP TABLE hypervisors; --")]
    [InlineData("-leading-dash")]
    [InlineData("a\nb")]
    public void Validate_BadName_NamesTheField(string name) =>
        Assert.True((Valid() with { Name = name }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.Name)));

    [Fact]
    public void Validate_OversizedName_IsRefused() =>
        Assert.Contains("at most", (Valid() with { Name = new string('a', 64) }).Validate(Kinds.Proxmox).First(nameof(HypervisorInput.Name)));

    [Theory]
    [InlineData("Root")]
    [InlineData("root;id")]
    [InlineData("")]
    public void Validate_BadSshUser_NamesTheField(string user) =>
        Assert.True((Valid() with { SshUser = user }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.SshUser)));

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("/var/lib/../etc")]
    [InlineData("/var/lib/vz dump")]
    [InlineData("/var/$(id)")]
    [InlineData("/var/lib/")]
    public void Validate_BadStagingDirectory_NamesTheField(string dir) =>
        Assert.True((Valid() with { StagingDirectory = dir }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.StagingDirectory)));

    [Theory]
    [InlineData("local-lvm", true)]
    [InlineData("", true)]
    [InlineData("1bad", false)]
    [InlineData("x;y", false)]
    public void Validate_RestoreStorage(string storage, bool ok) =>
        Assert.Equal(ok, !(Valid() with { RestoreStorage = storage }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.RestoreStorage)));

    [Fact]
    public void Validate_NoteTooLong_IsRefused() =>
        Assert.True((Valid() with { Note = new string('n', 501) }).Validate(Kinds.Proxmox).Has(nameof(HypervisorInput.Note)));
}

public class TextRulesTests
{
    // .NET's '$' also matches before a final newline; the patterns must not.
    [Fact]
    public void Patterns_RefuseATrailingNewline()
    {
        Assert.DoesNotMatch(DrPortal.Core.Common.TextRules.Name(), "pve1\n");
        Assert.DoesNotMatch(DrPortal.Core.Common.TextRules.UnixUser(), "root\n");
        Assert.DoesNotMatch(DrPortal.Core.Common.TextRules.AbsolutePath(), "/var/lib/vz/dump\n");
        Assert.DoesNotMatch(ProxmoxProfile.StorageId(), "local\n");
        Assert.False(HostAddress.IsValid("pve1.example.org\n", out _));
    }

    [Fact]
    public void Inputs_AreTrimmed_BeforeTheyAreChecked() =>
        Assert.True(new HypervisorInput { Name = " pve-dc1 ", Address = "10.0.0.1\n" }.Validate(Kinds.Proxmox).IsEmpty);
}

public class VmPairInputTests
{
    private static Hypervisor Host(string name, Site site)
    {
        var h = new Hypervisor();
        h.Apply(new HypervisorInput { Name = name, Address = "10.250.0.11", Site = site });
        return h;
    }

    private static readonly Hypervisor Primary = Host("pve-dc1", Site.Primary);
    private static readonly Hypervisor Recovery = Host("pve-dr1", Site.Recovery);

    private static VmPairInput Input(int source = 100, int target = 9100) => new()
    {
        SourceHypervisorId = 1,
        SourceVm = source.ToString(CultureInfo.InvariantCulture),
        TargetHypervisorId = 2,
        TargetVm = target.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public void Validate_CrossKindPair_IsRefusedNamingBothKinds()
    {
        var libvirt = Host("kvm-dr1", Site.Recovery);
        libvirt.Kind = HypervisorKind.Libvirt;

        var error = Input().Validate(Primary, libvirt, Kinds.Proxmox).First(nameof(VmPairInput.TargetHypervisorId));

        Assert.Contains("pve-dc1' is Proxmox VE", error, StringComparison.Ordinal);
        Assert.Contains("kvm-dr1' is Libvirt", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownBackupOption_IsRefusedNamingTheKindsOptions()
    {
        var input = Input() with { BackupOptions = new() { ["compress"] = "zstd", ["turbo"] = "on" } };

        var error = input.Validate(Primary, Recovery, Kinds.Proxmox).First(nameof(VmPairInput.BackupOptions));

        Assert.Contains("'turbo' is not a backup option of Proxmox VE; its options are compress, mode", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingOptions_TakeTheKindsDefaults()
    {
        var input = Input() with { BackupOptions = new() { ["mode"] = "STOP" } };

        Assert.True(input.Validate(Primary, Recovery, Kinds.Proxmox).IsEmpty);
        Assert.Equal(new Dictionary<string, string> { ["compress"] = "zstd", ["mode"] = "stop" }, input.BackupOptions);
    }

    [Fact]
    public void Validate_PrimaryToRecovery_IsAccepted() => Assert.True(Input().Validate(Primary, Recovery, Kinds.Proxmox).IsEmpty);

    [Fact]
    public void Validate_RecoveryHostAsSource_IsRefused() =>
        Assert.Contains("recovery site", Input().Validate(Recovery, Recovery, Kinds.Proxmox).First(nameof(VmPairInput.SourceHypervisorId)));

    [Fact]
    public void Validate_PrimaryHostAsTarget_IsRefused() =>
        Assert.True(Input().Validate(Primary, Primary, Kinds.Proxmox).Has(nameof(VmPairInput.TargetHypervisorId)));

    [Fact]
    public void Validate_MissingHosts_AreRefused()
    {
        var errors = Input().Validate(null, null, Kinds.Proxmox);
        Assert.True(errors.Has(nameof(VmPairInput.SourceHypervisorId)));
        Assert.True(errors.Has(nameof(VmPairInput.TargetHypervisorId)));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(1_000_000_000)]
    public void Validate_VmIdOutOfRange_IsRefused(int vmid)
    {
        Assert.True(Input(source: vmid).Validate(Primary, Recovery, Kinds.Proxmox).Has(nameof(VmPairInput.SourceVm)));
        Assert.True(Input(target: vmid).Validate(Primary, Recovery, Kinds.Proxmox).Has(nameof(VmPairInput.TargetVm)));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(999_999_999)]
    public void Validate_VmIdBounds_AreAccepted(int vmid) =>
        Assert.True(Input(vmid, vmid).Validate(Primary, Recovery, Kinds.Proxmox).IsEmpty);
}
