using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Accounts.Directory;

namespace DrPortal.Tests.Unit;

public class LdapOptionsTests
{
    private static LdapOptions Mapped() => new()
    {
        Url = "ldap://127.0.0.1:3389/",
        BindDn = "cn=reader,dc=x",
        BindPassword = "pw",
        UserSearchBase = "ou=people,dc=x",
        GroupRoles =
        [
            new() { Group = "cn=ops, dc=x", Role = Roles.Operator },
            new() { Group = "CN=Admins,DC=x", Role = Roles.Admin },
            new() { Group = "cn=view,dc=x", Role = Roles.Viewer },
        ],
    };

    [Fact]
    public void RoleFor_SeveralMappedGroups_HighestWins() =>
        Assert.Equal(Roles.Admin, Mapped().RoleFor(["cn=view,dc=x", "cn=admins,dc=x", "cn=ops,dc=x"]));

    [Fact]
    public void RoleFor_BlanksAndCase_CompareEqual() =>
        Assert.Equal(Roles.Operator, Mapped().RoleFor(["CN=OPS,DC=X"]));

    [Fact]
    public void RoleFor_NoMappedGroup_IsNull() =>
        Assert.Null(Mapped().RoleFor(["cn=staff,dc=x"]));

    [Fact]
    public void Validate_BindDnWithoutPassword_IsRefusedNamingTheSetting()
    {
        var o = Mapped();
        o.BindPassword = "";

        var result = new LdapOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains("DrPortal:Ldap:BindPassword", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://dir.example/")]
    [InlineData("ldap://dir.example/dc=x")]
    public void Validate_UrlNotLdap_IsRefused(string url)
    {
        var o = Mapped();
        o.Url = url;

        Assert.Contains("DrPortal:Ldap:Url", new LdapOptionsValidator().Validate(null, o).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FilterWithoutPlaceholderOrUnknownRole_IsRefused()
    {
        var o = Mapped();
        o.UserFilter = "(uid=alice)";
        o.GroupRoles[0].Role = "Root";

        var message = new LdapOptionsValidator().Validate(null, o).FailureMessage;

        Assert.Contains("UserFilter", message, StringComparison.Ordinal);
        Assert.Contains("GroupRoles:0:Role", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Off_NeedsNothing() => Assert.True(new LdapOptionsValidator().Validate(null, new LdapOptions()).Succeeded);
}
