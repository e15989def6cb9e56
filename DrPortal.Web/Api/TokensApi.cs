using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>Every user's API tokens, for admins: who holds what, and revocation of any of them.</summary>
internal static class TokensApi
{
    public static void MapTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Auth").RequireAuthorization(Policies.CanAdminister);
        tokens.MapGet("/", async (IUserAccounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.ListAllTokensAsync(ct)).Select(ApiTokenDto.From)))
            .WithSummary("All users' tokens with their owner, scope, expiry and last use (admins).");
        tokens.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
                (await accounts.RevokeTokenAsync(user.UserId()!, id, anyUser: true, user.ActorName(), ct)).ToHttp(ApiTokenDto.From))
            .WithSummary("Revokes any user's token (admins); audited. Scripts using it get 401 from then on.");
    }
}
