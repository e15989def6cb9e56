using System.Text;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>The one place a typed value enters an LDAP search filter.</summary>
public static class LdapFilter
{
    /// <summary>Escapes a value for use inside a filter (RFC 4515): '*', '(', ')', '\' and NUL become \2a, \28, \29, \5c, \00.</summary>
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => sb.Append(@"\2a"),
                '(' => sb.Append(@"\28"),
                ')' => sb.Append(@"\29"),
                '\\' => sb.Append(@"\5c"),
                '\0' => sb.Append(@"\00"),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    /// <summary>The filter template with every {0} replaced by the escaped value (no string.Format: braces in the template stay as written).</summary>
    public static string Format(string template, string value) => template.Replace("{0}", Escape(value), StringComparison.Ordinal);
}
