using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>The portal-wide settings admins change; today the security policy.</summary>
internal static class SettingsApi
{
    public static void MapSettingsApi(this RouteGroupBuilder api)
    {
        var security = api.MapGroup("/settings/security").WithTags("Settings").RequireAuthorization(Policies.CanAdminister);
        security.MapGet("/", async (ISecurityPolicyStore store, CancellationToken ct) =>
                TypedResults.Ok(SecurityPolicyDto.From(await store.GetAsync(ct))))
            .WithSummary("The security policy: token lifetimes, roles that must use two-factor sign-in, session limits.");
        security.MapPut("/", async (SecurityPolicyDto body, ClaimsPrincipal user, ISecurityPolicyStore store, CancellationToken ct) =>
            {
                var policy = body.ToPolicy();
                if (!policy.IsOk)
                {
                    return ApiResults.Problem(policy);
                }
                try
                {
                    await store.SaveAsync(policy.Value!, user.ActorName(), ct);
                }
                catch (InvalidInputException ex)
                {
                    return ApiResults.Problem(Result<SecurityPolicy>.Invalid(SecurityPolicyDto.ToFieldNames(ex.Errors)));
                }
                return TypedResults.Ok(SecurityPolicyDto.From(await store.GetAsync(ct)));
            })
            .WithSummary("Replaces the security policy (every field required); audited with before and after. " +
                         "Existing tokens keep their expiry: a lower maximum applies to tokens created from then on.");
    }
}
