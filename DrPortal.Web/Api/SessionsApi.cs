using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>Browser sessions: your own (list, end one) and, for admins, ending every session of a user.</summary>
internal static class SessionsApi
{
    public static void MapSessionsApi(this RouteGroupBuilder api)
    {
        var own = api.MapGroup("/account/sessions").WithTags("Account");
        own.MapGet("/", async (ClaimsPrincipal user, IUserSessions sessions, CancellationToken ct) =>
                TypedResults.Ok(await sessions.ListAsync(user.UserId()!, user.SessionId(), ct)))
            .WithSummary("Your active browser sessions; the one making the call (a browser) is marked isCurrent.");
        own.MapDelete("/{id}", async (string id, ClaimsPrincipal user, IUserSessions sessions, CancellationToken ct) =>
                (await sessions.EndAsync(user.UserId()!, id, user.ActorName(), ct)).ToHttp(s => s))
            .WithSummary("Signs out one of your browser sessions; its open pages go to the login page at once.");

        api.MapDelete("/users/{id}/sessions", async (string id, ClaimsPrincipal user, IUserSessions sessions, CancellationToken ct) =>
                (await sessions.EndAllAsync(id, user.ActorName(), ct)).ToHttp(n => new SessionsEnded(n)))
            .WithTags("Users")
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Ends every browser session of a user (admins); their open pages go to the login page at once.");
    }
}
