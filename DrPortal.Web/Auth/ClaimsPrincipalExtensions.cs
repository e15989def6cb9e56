using System.Security.Claims;
using DrPortal.Core.Accounts;

namespace DrPortal.Web.Auth;

internal static class ClaimsPrincipalExtensions
{
    /// <summary>The name written to the audit log for this user.</summary>
    public static string ActorName(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The browser session this principal came from (none for API tokens).</summary>
    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(UserSession.ClaimType);

    public static bool CanOperate(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);

    public static bool CanAdminister(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>Viewers read the audit log without its <see cref="Core.Audit.SecurityEntries"/> (users, tokens, sign-ins).</summary>
    public static bool SeesSecurityAudit(this ClaimsPrincipal user) => user.CanOperate();
}
