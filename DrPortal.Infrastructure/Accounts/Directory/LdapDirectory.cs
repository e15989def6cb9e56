using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>
/// The LDAP / Active Directory server behind directory sign-in: finds a user and their groups with the service account,
/// and checks a password by binding as the user. An unreachable or misbehaving directory is logged and counts as "no".
/// </summary>
public sealed class LdapDirectory(IOptions<LdapOptions> options, ILogger<LdapDirectory> logger)
{
    private const int InvalidCredentials = 49;

    public LdapOptions Options => options.Value;

    public bool IsEnabled => options.Value.IsEnabled;

    /// <summary>The one user that the name matches, with their groups; null when none or several match or the directory fails.</summary>
    public Task<DirectoryUser?> FindUserAsync(string userName, CancellationToken ct) =>
        Task.Run(() => Guard("search", () => FindUser(options.Value, userName), null), ct);

    /// <summary>Binds as the user. An empty password (or one that a C library would cut short at NUL) is refused before it
    /// reaches the server: LDAP treats a DN with an empty password as an anonymous bind that "succeeds".</summary>
    public Task<bool> VerifyPasswordAsync(string dn, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password) || password.Contains('\0', StringComparison.Ordinal))
        {
            return Task.FromResult(false);
        }
        return Task.Run(() => Guard("bind", () =>
        {
            using var connection = Connect(options.Value);
            try
            {
                connection.Bind(new NetworkCredential(dn, password));
                return true;
            }
            catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
            {
                return false;
            }
        }, false), ct);
    }

    private static DirectoryUser? FindUser(LdapOptions o, string userName)
    {
        using var connection = Connect(o);
        BindServiceAccount(connection, o);
        var search = new SearchRequest(o.UserSearchBase, LdapFilter.Format(o.UserFilter, userName), SearchScope.Subtree, o.IdAttribute, "memberOf")
        {
            // Two are enough to know the name is ambiguous.
            SizeLimit = 2,
        };
        SearchResponse found;
        try
        {
            found = (SearchResponse)connection.SendRequest(search);
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            return null;
        }
        if (found.Entries.Count != 1)
        {
            return null;
        }
        var entry = found.Entries[0];
        var key = KeyOf(entry, o.IdAttribute);
        if (key is null)
        {
            return null;
        }
        var groups = string.IsNullOrWhiteSpace(o.GroupSearchBase)
            ? Values(entry, "memberOf")
            : GroupsOf(connection, o, entry.DistinguishedName);
        return new DirectoryUser(entry.DistinguishedName, key, groups);
    }

    private static List<string> GroupsOf(LdapConnection connection, LdapOptions o, string userDn)
    {
        // "1.1" asks for no attributes: only the groups' DNs are needed.
        var search = new SearchRequest(o.GroupSearchBase, LdapFilter.Format(o.GroupFilter, userDn), SearchScope.Subtree, "1.1");
        var found = (SearchResponse)connection.SendRequest(search);
        return found.Entries.Cast<SearchResultEntry>().Select(e => e.DistinguishedName).ToList();
    }

    private static string? KeyOf(SearchResultEntry entry, string idAttribute)
    {
        if (idAttribute.Equals("dn", StringComparison.OrdinalIgnoreCase))
        {
            return entry.DistinguishedName;
        }
        var attribute = Attribute(entry, idAttribute);
        if (attribute is null || attribute.Count == 0)
        {
            return null;
        }
        // Active Directory's objectGUID is 16 raw bytes; entryUUID and the like are text.
        return idAttribute.Equals("objectGUID", StringComparison.OrdinalIgnoreCase)
            ? new Guid((byte[])attribute.GetValues(typeof(byte[]))[0]).ToString()
            : (string)attribute.GetValues(typeof(string))[0];
    }

    private static List<string> Values(SearchResultEntry entry, string name) =>
        Attribute(entry, name) is { } attribute ? attribute.GetValues(typeof(string)).Cast<string>().ToList() : [];

    private static DirectoryAttribute? Attribute(SearchResultEntry entry, string name)
    {
        foreach (string candidate in entry.Attributes.AttributeNames)
        {
            if (candidate.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Attributes[candidate];
            }
        }
        return null;
    }

    private static LdapConnection Connect(LdapOptions o)
    {
        var url = new Uri(o.Url!);
        var secure = url.Scheme == "ldaps";
        var port = url.Port > 0 ? url.Port : secure ? 636 : 389;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(url.DnsSafeHost, port))
        {
            AuthType = AuthType.Basic,
            Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        // A referral would send the service account's or the user's password to another server.
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (secure)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }
        else if (o.StartTls)
        {
            connection.SessionOptions.StartTransportLayerSecurity(null);
        }
        return connection;
    }

    private static void BindServiceAccount(LdapConnection connection, LdapOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.BindDn))
        {
            connection.AuthType = AuthType.Anonymous;
            connection.Bind();
        }
        else
        {
            connection.Bind(new NetworkCredential(o.BindDn, o.BindPassword));
        }
    }

    // Never logs a password or a name as typed (people type passwords into the name field); the library's message says what failed.
    private T Guard<T>(string what, Func<T> call, T onFailure)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is DirectoryException or DllNotFoundException)
        {
            logger.LogWarning("Directory {Operation} failed: {Error}", what, e.Message);
            return onFailure;
        }
    }
}
