using System.Security.Claims;
using DrPortal.Core.Accounts;

namespace DrPortal.Web.Auth;

/// <summary>
/// The rule "a role the security policy names must use two-factor sign-in": a user holding such a role who has not set
/// up an authenticator app or a security key reaches only the enrolment page (<see cref="PagePath"/>) until they have, and the API refuses
/// their cookie and their tokens. Asked on every request of such a user, so a policy change or an admin's reset of
/// their two-factor applies at once, not at their next sign-in; users of other roles cost one policy read.
/// </summary>
internal sealed class TwoFactorEnrolment(ISecurityPolicyStore policies, ITwoFactorAccounts twoFactor, ISecurityKeys securityKeys)
{
    public const string PagePath = "/login/2fa/enrol";

    public const string ProblemTitle = "Two-factor enrolment required";

    public const string ProblemDetail =
        "Your role requires two-factor sign-in and this account has not set it up: sign in to the portal in a browser and " +
        "set up an authenticator app. Until then the API refuses this account's browser session and API tokens.";

    /// <summary>The enrolment page, coming back to <paramref name="returnUrl"/> (this site only) once done.</summary>
    public static string Address(string? returnUrl) => $"{PagePath}?returnUrl={Uri.EscapeDataString(LocalUrl.Safe(returnUrl))}";

    public static IResult Problem() =>
        TypedResults.Problem(ProblemDetail, statusCode: StatusCodes.Status403Forbidden, title: ProblemTitle);

    /// <summary>Whether a role of <paramref name="user"/> requires two-factor sign-in that this user has not set up.</summary>
    public async Task<bool> IsRequiredAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated != true || user.UserId() is not { } id)
        {
            return false;
        }
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        return await IsRequiredAsync(id, roles, ct);
    }

    /// <summary>The same, for a user known by id and role (API token creation, before any principal exists).</summary>
    public async Task<bool> IsRequiredAsync(string userId, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        var policy = await policies.GetAsync(ct);
        // Either second factor counts: the authenticator app or a security key.
        return roles.Any(policy.RequiresTwoFactor)
            && !(await twoFactor.GetStatusAsync(userId, ct)).IsEnabled && !await securityKeys.HasAnyAsync(userId, ct);
    }
}
