using System.Security.Claims;
using System.Text.Encodings.Web;
using DrPortal.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Auth;

/// <summary>Authenticates "Authorization: Bearer drp_..." against the hashed API tokens.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IUserAccounts accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var check = await accounts.AuthenticateTokenAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (check.Identity is not { } identity)
        {
            // Never echo the token: it is a secret even when wrong. The reason (revoked, expired) goes to the challenge.
            return AuthenticateResult.Fail(check.Refusal ?? "Invalid or revoked API token.");
        }
        var claims = new[]
        {
            new Claim(ClaimTypes.NameIdentifier, identity.UserId),
            new Claim(ClaimTypes.Name, identity.UserName),
            new Claim(ClaimTypes.Role, identity.Role),
            new Claim("drportal:token", identity.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>A refused token gets a problem detail saying why (for example that it expired), not a bare 401.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is null)
        {
            await base.HandleChallengeAsync(properties);
            return;
        }
        await TypedResults.Problem(result.Failure.Message, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }
}
