using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtScratchNameTests
{
    private static readonly LibvirtProfile Profile = new();

    [Fact]
    public void Make_FreeHint_DrillPrefix()
    {
        Assert.Equal("drill-web01", LibvirtScratchName.Make("web01", ["web01", "drill-db"]));
    }

    [Fact]
    public void Make_Taken_SuffixTwoThenThreeIgnoringCase()
    {
        Assert.Equal("drill-web01-2", LibvirtScratchName.Make("web01", ["drill-web01"]));
        Assert.Equal("drill-web01-3", LibvirtScratchName.Make("web01", ["DRILL-web01", "drill-web01-2"]));
    }

    [Theory]
    [InlineData("a;rm -rf /", "drill-a-rm--rf")]
    [InlineData("<x>'\"&", "drill-x")]
    [InlineData("web 01 → dr", "drill-web-01-dr")]
    [InlineData("$(reboot)", "drill-reboot")]
    [InlineData("", "drill")]
    [InlineData("  ", "drill")]
    [InlineData("é", "drill")]
    [InlineData("a+b.c_d", "drill-a+b.c_d")]
    public void Make_HostileHint_ValidDomainName(string hint, string expected)
    {
        var name = LibvirtScratchName.Make(hint, []);

        Assert.Equal(expected, name);
        Assert.Null(Profile.CheckVmRef(name));
    }

    [Fact]
    public void Make_LongHint_AtMost64WithItsSuffix()
    {
        var hint = new string('w', 80);
        var first = LibvirtScratchName.Make(hint, []);

        var second = LibvirtScratchName.Make(hint, [first]);

        Assert.Equal(64, first.Length);
        Assert.Equal(64, second.Length);
        Assert.EndsWith("-2", second, StringComparison.Ordinal);
        Assert.Null(Profile.CheckVmRef(second));
    }
}
