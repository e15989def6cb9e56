using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DrPortal.Tests.Support;

/// <summary>The portal on its own MariaDB database, signing directory users in against a real slapd of its own.</summary>
public sealed partial class LdapPortal : PortalFactory
{
    public Slapd Ldap { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Ldap = await Slapd.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ldap.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DrPortal:Ldap:Url", Ldap.Url);
        builder.UseSetting("DrPortal:Ldap:BindDn", Slapd.ServiceDn);
        builder.UseSetting("DrPortal:Ldap:BindPassword", Ldap.ServicePassword);
        builder.UseSetting("DrPortal:Ldap:UserSearchBase", Slapd.People);
        builder.UseSetting("DrPortal:Ldap:UserFilter", "(&(objectClass=inetOrgPerson)(uid={0}))");
        builder.UseSetting("DrPortal:Ldap:GroupSearchBase", Slapd.Groups);
        builder.UseSetting("DrPortal:Ldap:TimeoutSeconds", "5");
        // Written with blanks after the commas, as people do; the directory returns them without.
        builder.UseSetting("DrPortal:Ldap:GroupRoles:0:Group", Slapd.AdminsGroup.Replace(",", ", ", StringComparison.Ordinal));
        builder.UseSetting("DrPortal:Ldap:GroupRoles:0:Role", "Admin");
        builder.UseSetting("DrPortal:Ldap:GroupRoles:1:Group", Slapd.OperatorsGroup);
        builder.UseSetting("DrPortal:Ldap:GroupRoles:1:Role", "Operator");
        builder.UseSetting("DrPortal:Ldap:GroupRoles:2:Group", Slapd.ViewersGroup);
        builder.UseSetting("DrPortal:Ldap:GroupRoles:2:Role", "Viewer");
    }

    /// <summary>Posts the real login form (with its antiforgery token) and returns the client, holding the sign-in cookie when it worked.</summary>
    public async Task<LoginAttempt> SignInOnLoginPageAsync(string userName, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The login page has no antiforgery token.");
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        var body = await response.Content.ReadAsStringAsync();
        return new LoginAttempt(response.StatusCode == HttpStatusCode.Redirect, client, body);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>What a login form post did: signed in (redirected away with the cookie) or not, and the page it answered.</summary>
public sealed record LoginAttempt(bool SignedIn, HttpClient Client, string Body) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
