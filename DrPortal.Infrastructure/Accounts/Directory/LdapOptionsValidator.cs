using DrPortal.Core.Accounts;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>Refuses to start with a directory setting that would fail at every sign-in or, worse, let anyone in.</summary>
internal sealed class LdapOptionsValidator : IValidateOptions<LdapOptions>
{
    public ValidateOptionsResult Validate(string? name, LdapOptions o)
    {
        if (!o.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }
        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ldap" or "ldaps") || url.AbsolutePath is not ("" or "/"))
        {
            errors.Add($"{LdapOptions.Section}:Url must be ldap://host[:port] or ldaps://host[:port].");
        }
        else if (o.StartTls && url.Scheme == "ldaps")
        {
            errors.Add($"{LdapOptions.Section}:StartTls is for ldap:// URLs; ldaps:// is TLS already.");
        }
        // A DN with an empty password is an anonymous bind that "succeeds" on most servers.
        if (!string.IsNullOrWhiteSpace(o.BindDn) && string.IsNullOrEmpty(o.BindPassword))
        {
            errors.Add($"{LdapOptions.Section}:BindPassword is required when BindDn is set.");
        }
        if (string.IsNullOrWhiteSpace(o.UserSearchBase))
        {
            errors.Add($"{LdapOptions.Section}:UserSearchBase is required.");
        }
        if (!o.UserFilter.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{LdapOptions.Section}:UserFilter must contain {{0}}, where the typed user name goes.");
        }
        if (!string.IsNullOrWhiteSpace(o.GroupSearchBase) && !o.GroupFilter.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{LdapOptions.Section}:GroupFilter must contain {{0}}, where the user's DN goes.");
        }
        if (string.IsNullOrWhiteSpace(o.IdAttribute))
        {
            errors.Add($"{LdapOptions.Section}:IdAttribute is required.");
        }
        if (o.GroupRoles.Count == 0)
        {
            errors.Add($"{LdapOptions.Section}:GroupRoles must map at least one group to a role; without one nobody can sign in.");
        }
        for (var i = 0; i < o.GroupRoles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.GroupRoles[i].Group))
            {
                errors.Add($"{LdapOptions.Section}:GroupRoles:{i}:Group is required (the group's DN).");
            }
            if (o.GroupRoles[i].Role is not { } role || !Roles.IsKnown(role))
            {
                errors.Add($"{LdapOptions.Section}:GroupRoles:{i}:Role must be Admin, Operator or Viewer.");
            }
        }
        if (o.TimeoutSeconds is < 1 or > 120)
        {
            errors.Add($"{LdapOptions.Section}:TimeoutSeconds must be between 1 and 120.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
