using DrPortal.Core.Accounts;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>
/// Directory sign-in settings under "DrPortal:Ldap" (environment: DrPortal__Ldap__Url, DrPortal__Ldap__BindPassword, ...).
/// Directory sign-in is on when <see cref="Url"/> is set; local accounts keep working either way.
/// </summary>
public sealed class LdapOptions
{
    public const string Section = "DrPortal:Ldap";

    /// <summary>ldap://host[:port] or ldaps://host[:port]; empty turns directory sign-in off.</summary>
    public string? Url { get; set; }

    /// <summary>Upgrade an ldap:// connection with StartTLS before anything is sent.</summary>
    public bool StartTls { get; set; }

    /// <summary>The service account that searches users and groups; empty searches anonymously.</summary>
    public string? BindDn { get; set; }

    /// <summary>The service account's password: give it through the environment or a secret store, never in a file in the repository. Never logged.</summary>
    public string? BindPassword { get; set; }

    public string? UserSearchBase { get; set; }

    /// <summary>Finds one user by the name typed at sign-in, which replaces {0} escaped per RFC 4515 (Active Directory: (&amp;(objectClass=user)(sAMAccountName={0}))).</summary>
    public string UserFilter { get; set; } = "(&(objectClass=person)(uid={0}))";

    /// <summary>The attribute that identifies a user for good, across renames (Active Directory: objectGUID).</summary>
    public string IdAttribute { get; set; } = "entryUUID";

    /// <summary>Where groups are searched with <see cref="GroupFilter"/>; empty reads the user's memberOf attribute instead.</summary>
    public string? GroupSearchBase { get; set; }

    /// <summary>Finds the groups of a user; {0} is the user's DN, escaped per RFC 4515.</summary>
    public string GroupFilter { get; set; } = "(&(objectClass=groupOfNames)(member={0}))";

    /// <summary>Which groups give which role; a member of several gets the highest, a member of none cannot sign in.</summary>
    public List<LdapGroupRole> GroupRoles { get; set; } = [];

    public int TimeoutSeconds { get; set; } = 10;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The highest role that the groups map to, or null when none is mapped.</summary>
    public string? RoleFor(IEnumerable<string> groupDns)
    {
        var groups = groupDns.Select(NormalizeDn).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return GroupRoles
            .Where(m => m.Group is not null && m.Role is not null && Roles.IsKnown(m.Role) && groups.Contains(NormalizeDn(m.Group)))
            .Select(m => m.Role!)
            .OrderByDescending(Roles.Rank)
            .FirstOrDefault();
    }

    // DNs compare without case and without the blanks people put after commas ("cn=ops, dc=example").
    private static string NormalizeDn(string dn) => string.Join(',', dn.Split(',').Select(part => part.Trim()));
}
