using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Accounts;
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
        tokens.MapPost("/", async (CreateTokenRequest body, HttpContext http, PasswordCheck passwords, IUserAccounts accounts, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(body.UserName) || string.IsNullOrEmpty(body.Password))
                {
                    return ApiResults.Problem(Core.Common.Result<UserSummary>.Invalid("userName", "User name and password are required."));
                }
                var check = await passwords.CheckAsync(body.UserName, body.Password, Core.Audit.SignInEvent.TokenCreation, http.Connection.RemoteIpAddress?.ToString(), ct);
                if (check.User is not { } user)
                {
                    // A wrong name or password is a 401; a throttled address gets 429 with Retry-After.
                    return check.RetryAfter is { } wait
                        ? (IResult)new TooManyRequestsResult(wait, SignInThrottle.Refusal(wait))
                        : TypedResults.Problem(PasswordCheck.Refusal, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
                }
                if (await TwoFactorCheck.RefuseTokenAsync(http, user.Id, user.UserName!, check.Role, body.Code, ct) is { } twoFactorRefusal)
                {
                    return twoFactorRefusal;
                }
                var scope = ApiToken.ParseScope(body.Scope);
                if (body.Scope is not null && scope is null)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = ["Scope must be read-only, operate or admin."] },
                        title: "The request is not valid. Nothing was changed.");
                }
                var created = await accounts.CreateTokenAsync(user.Id, new ApiTokenRequest(body.Name, scope, body.LifetimeDays), user.UserName!, ct);
                return created.ToHttp(t => new TokenCreated(t.Summary.Id, t.Summary.Name, t.Token, ApiToken.ScopeName(t.Summary.Scope), t.Summary.ExpiresAt));
            })
            .AllowAnonymous()
            .WithSummary("Creates a named API token for a user name and password; the token is shown only in this response. " +
                         "scope (read-only, operate, admin) defaults to the most the user's role allows; lifetimeDays to the security policy's default.");
        tokens.MapGet("/", async (ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListTokensAsync(user.UserId()!, ct)).Select(ApiTokenDto.From)))
            .RequireAuthorization(Policies.CanView)
            .WithSummary("Your own tokens.");
        tokens.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.RevokeTokenAsync(user.UserId()!, id, user.CanAdminister(), user.ActorName(), ct)).ToHttp(ApiTokenDto.From))
            .RequireAuthorization(Policies.CanView)
            .WithSummary("Revokes one of your tokens (admins: any token).");

        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.CanAdminister);
        users.MapGet("/", async (IUserAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListAsync(ct)).Select(UserDto.From)));
        users.MapPost("/", async (CreateUserRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.CreateAsync(body.UserName, body.Password, body.Role, user.ActorName(), ct)).ToHttp(UserDto.From, u => $"/api/v1/users/{u.Id}"));
        users.MapPut("/{id}", async (string id, UpdateUserRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.UpdateAsync(id, body.Role, body.Disabled, user.ActorName(), ct)).ToHttp(UserDto.From));
        users.MapDelete("/{id}/two-factor", async (string id, ClaimsPrincipal user, ITwoFactorAccounts twoFactor, CancellationToken ct) =>
                (await twoFactor.ResetAsync(id, user.ActorName(), ct)).ToHttp(s => s))
            .WithSummary("Resets a user's two-factor sign-in (they lost their authenticator): their authenticator key, recovery codes and security keys are removed; audited. 409 when it is off.");
        users.MapPost("/{id}/password", async (string id, PasswordRequest body, ClaimsPrincipal user, IUserAccounts accounts, CancellationToken ct) =>
            (await accounts.ResetPasswordAsync(id, body.Password, user.ActorName(), ct)).ToHttp(UserDto.From));
    }
}
