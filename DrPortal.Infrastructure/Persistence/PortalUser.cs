using Microsoft.AspNetCore.Identity;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>A person who logs in to the portal.</summary>
public sealed class PortalUser : IdentityUser
{
    /// <summary>A disabled user can neither log in nor use API tokens; the account is kept for the audit trail.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
