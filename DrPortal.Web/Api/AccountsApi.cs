using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

internal static class AccountsApi
{
    public static void MapAccountsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/setup", async (SetupRequest body, IUserAccounts accounts, CancellationToken ct) =>
                (await accounts.SetupAdminAsync(body.UserName, body.Password, ct)).ToHttp(UserDto.From, u => $"/api/v1/users/{u.Id}"))
            .AllowAnonymous()
            .WithSummary("Creates the first administrator. Only while no user exists; afterwards 409.");

        var tokens = api.MapGroup("/auth/tokens").WithTags("Auth");
        tokens.MapPost("/", async (CreateTokenRequest body, HttpContext http, IUserAccounts accounts, CancellationToken ct) =>
            {
                var user = await accounts.CheckPasswordAsync(body.UserName, body.Password, http.Connection.RemoteIpAddress?.ToString(), ct);
                if (!user.IsOk)
                {
                    // A wrong name or password is a 401; a throttled address gets 429 with Retry-After (ApiResults).
                    return user.Status == Core.Common.ResultStatus.Conflict
                        ? TypedResults.Problem(user.Message, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized")
                        : ApiResults.Problem(user);
                }
                if (await TwoFactorCheck.RefuseTokenAsync(http, user.Value!, body.Code, ct) is { } refusal)
                {
                    return refusal;
                }
                var created = await accounts.CreateTokenAsync(user.Value!.Id, body.Name, user.Value.UserName, ct);
                return created.ToHttp(t => new TokenCreated(t.Summary.Id, t.Summary.Name, t.Token));
            })
            .AllowAnonymous()
            .WithSummary("Creates a named API token for a user name and password; the token is shown only in this response.");
        tokens.MapGet("/", async (ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.ListTokensAsync(user.UserId()!, ct)))
            .RequireAuthorization(Policies.CanView);
        tokens.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.RevokeTokenAsync(user.UserId()!, id, user.CanAdminister(), user.ActorName(), ct)).ToHttp(t => t))
            .RequireAuthorization(Policies.CanView)
            .WithSummary("Revokes one of your tokens (admins: any token).");

        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.CanAdminister);
        users.MapGet("/", async (IUserAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListAsync(ct)).Select(UserDto.From)));
        users.MapPost("/", async (CreateUserRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.CreateAsync(body.UserName, body.Password, body.Role, user.ActorName(), ct)).ToHttp(UserDto.From, u => $"/api/v1/users/{u.Id}"));
        users.MapPut("/{id}", async (string id, UpdateUserRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.UpdateAsync(id, body.Role, body.Disabled, user.ActorName(), ct)).ToHttp(UserDto.From));
        users.MapPost("/{id}/password", async (string id, PasswordRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.ResetPasswordAsync(id, body.Password, user.ActorName(), ct)).ToHttp(UserDto.From));
    }
}
