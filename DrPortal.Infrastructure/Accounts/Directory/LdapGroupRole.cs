namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>One mapping of a directory group (its DN) to a portal role (Admin, Operator or Viewer).</summary>
public sealed class LdapGroupRole
{
    public string? Group { get; set; }

    public string? Role { get; set; }
}
