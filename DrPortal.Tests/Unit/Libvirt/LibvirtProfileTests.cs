using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtProfileTests
{
    private readonly LibvirtProfile _profile = new();

    public static TheoryData<string?> HostileNames => new()
    {
        null,
        "",
        "a;rm -rf /",
        "$(x)",
        "`id`",
        "<x>",
        "a<b",
        "'",
        "web'01",
        "web\"01",
        "web 01",
        "web01\n",
        "web01\nrm",
        "-rf",
        ".hidden",
        "_under",
        "+plus",
        "a/b",
        "../etc",
        "a&b",
        "a|b",
        "dümp",
        new string('a', 65),
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void CheckVmRef_HostileOrBadName_IsRefusedWithASentence(string? name)
    {
        var problem = _profile.CheckVmRef(name);

        Assert.NotNull(problem);
        Assert.EndsWith(".", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web01")]
    [InlineData("db.prod-1_a+b")]
    [InlineData("9lives")]
    public void CheckVmRef_DomainName_IsAccepted(string name) => Assert.Null(_profile.CheckVmRef(name));

    [Fact]
    public void CheckVmRef_SixtyFourCharacters_IsAcceptedAndSixtyFiveSaysTheLimit()
    {
        Assert.Null(_profile.CheckVmRef(new string('a', VmRef.MaxLength)));
        Assert.Contains("at most 64", _profile.CheckVmRef(new string('a', VmRef.MaxLength + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void DomainOf_HostileStoredReference_Throws() =>
        Assert.Throws<ArgumentException>(() => LibvirtProfile.DomainOf(VmRef.Of("a;rm -rf /")));

    [Theory]
    [InlineData("/var/lib/libvirt/images", true)]
    [InlineData("/srv/vm-disks", true)]
    [InlineData("relative", false)]
    [InlineData("/", false)]
    [InlineData("/srv/../etc", false)]
    [InlineData("/srv/my disks", false)]
    [InlineData("/srv/$(id)", false)]
    public void CheckRestoreStorage_Directory_IsCheckedAsAnAbsoluteSafePath(string storage, bool valid) =>
        Assert.Equal(valid, _profile.CheckRestoreStorage(storage) is null);

    [Fact]
    public void Profile_Describes_LibvirtKvm()
    {
        Assert.Equal("libvirt/KVM", _profile.DisplayName);
        Assert.Equal("Domain", _profile.VmRefLabel);
        Assert.Equal("domain", _profile.VmNoun);
        Assert.Equal("/var/lib/libvirt/drportal", _profile.DefaultStagingDirectory);
        Assert.True(_profile.Capabilities.HasFlag(DriverCapabilities.Incremental));
        Assert.True(_profile.Capabilities.HasFlag(DriverCapabilities.ConsistentSnapshot));
        Assert.True(_profile.Capabilities.HasFlag(DriverCapabilities.GuestAgent));
    }

    [Fact]
    public void CompleteOptions_NothingGiven_TakesEveryDefault()
    {
        var errors = new ValidationErrors();

        var options = HypervisorProfiles.CompleteOptions(_profile, null, errors, "backupOptions");

        Assert.True(errors.IsEmpty);
        Assert.Equal("on", options["incremental"]);
        Assert.Equal("6", options["fullEvery"]);
        Assert.Equal("none", options["compress"]);
        Assert.Equal(new LibvirtBackupOptions(true, 6, false), LibvirtBackupOptions.From(options));
    }

    [Fact]
    public void CompleteOptions_ValueOutsideTheChoices_IsAnErrorNamingTheOption()
    {
        var errors = new ValidationErrors();

        HypervisorProfiles.CompleteOptions(_profile, new Dictionary<string, string> { ["fullEvery"] = "7" }, errors, "backupOptions");

        Assert.Contains("fullEvery", errors.First("backupOptions"), StringComparison.Ordinal);
    }

    [Fact]
    public void BackupOptions_EveryOption_HasHelpAndItsDefaultAmongItsChoices() =>
        Assert.All(_profile.BackupOptions, spec =>
        {
            Assert.False(string.IsNullOrWhiteSpace(spec.Help));
            Assert.Contains(spec.Default, spec.Choices.Select(c => c.Value));
        });
}
