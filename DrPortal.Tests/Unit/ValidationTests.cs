using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;

namespace DrPortal.Tests.Unit;

public class HypervisorInputTests
{
    private static HypervisorInput Valid() => new() { Name = "pve-dc1", Address = "10.250.0.11" };

    [Fact]
    public void Validate_Defaults_AreAccepted() => Assert.True(Valid().Validate().IsEmpty);

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("fd00::1")]
    [InlineData("::1")]
    [InlineData("pve1.example.org")]
    [InlineData("pve-01")]
    public void Validate_GoodAddress_IsAccepted(string address) =>
        Assert.True((Valid() with { Address = address }).Validate().IsEmpty);

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
        var errors = (Valid() with { Address = address }).Validate();
        Assert.True(errors.Has(nameof(HypervisorInput.Address)), $"'{address}' should be refused");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_BadPort_NamesTheField(int port) =>
        Assert.True((Valid() with { SshPort = port }).Validate().Has(nameof(HypervisorInput.SshPort)));

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("x'; DROP TABLE hypervisors; --")]
    [InlineData("-leading-dash")]
    [InlineData("a\nb")]
    public void Validate_BadName_NamesTheField(string name) =>
        Assert.True((Valid() with { Name = name }).Validate().Has(nameof(HypervisorInput.Name)));

    [Fact]
    public void Validate_OversizedName_IsRefused() =>
        Assert.Contains("at most", (Valid() with { Name = new string('a', 64) }).Validate().First(nameof(HypervisorInput.Name)));

    [Theory]
    [InlineData("Root")]
    [InlineData("root;id")]
    [InlineData("")]
    public void Validate_BadSshUser_NamesTheField(string user) =>
        Assert.True((Valid() with { SshUser = user }).Validate().Has(nameof(HypervisorInput.SshUser)));

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("/var/lib/../etc")]
    [InlineData("/var/lib/vz dump")]
    [InlineData("/var/$(id)")]
    [InlineData("/var/lib/")]
    public void Validate_BadDumpDirectory_NamesTheField(string dir) =>
        Assert.True((Valid() with { DumpDirectory = dir }).Validate().Has(nameof(HypervisorInput.DumpDirectory)));

    [Theory]
    [InlineData("local-lvm", true)]
    [InlineData("", true)]
    [InlineData("1bad", false)]
    [InlineData("x;y", false)]
    public void Validate_RestoreStorage(string storage, bool ok) =>
        Assert.Equal(ok, !(Valid() with { RestoreStorage = storage }).Validate().Has(nameof(HypervisorInput.RestoreStorage)));

    [Fact]
    public void Validate_NoteTooLong_IsRefused() =>
        Assert.True((Valid() with { Note = new string('n', 501) }).Validate().Has(nameof(HypervisorInput.Note)));
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
        Assert.DoesNotMatch(DrPortal.Core.Common.TextRules.StorageId(), "local\n");
        Assert.False(HostAddress.IsValid("pve1.example.org\n", out _));
    }

    [Fact]
    public void Inputs_AreTrimmed_BeforeTheyAreChecked() =>
        Assert.True(new HypervisorInput { Name = " pve-dc1 ", Address = "10.0.0.1\n" }.Validate().IsEmpty);
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

    private static VmPairInput Input(int source = 100, int target = 9100) =>
        new() { SourceHypervisorId = 1, SourceVmId = source, TargetHypervisorId = 2, TargetVmId = target };

    [Fact]
    public void Validate_PrimaryToRecovery_IsAccepted() => Assert.True(Input().Validate(Primary, Recovery).IsEmpty);

    [Fact]
    public void Validate_RecoveryHostAsSource_IsRefused() =>
        Assert.Contains("recovery site", Input().Validate(Recovery, Recovery).First(nameof(VmPairInput.SourceHypervisorId)));

    [Fact]
    public void Validate_PrimaryHostAsTarget_IsRefused() =>
        Assert.True(Input().Validate(Primary, Primary).Has(nameof(VmPairInput.TargetHypervisorId)));

    [Fact]
    public void Validate_MissingHosts_AreRefused()
    {
        var errors = Input().Validate(null, null);
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
        Assert.True(Input(source: vmid).Validate(Primary, Recovery).Has(nameof(VmPairInput.SourceVmId)));
        Assert.True(Input(target: vmid).Validate(Primary, Recovery).Has(nameof(VmPairInput.TargetVmId)));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(999_999_999)]
    public void Validate_VmIdBounds_AreAccepted(int vmid) =>
        Assert.True(Input(vmid, vmid).Validate(Primary, Recovery).IsEmpty);
}
