using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>
/// Token creation with a user name and password is a sign-in too: for a user with two-factor sign-in on it also needs
/// the current authenticator code, or a recovery code (used up), in the request's <c>code</c> field; a user whose role
/// requires two-factor sign-in and who has not set it up gets no token (<see cref="TwoFactorEnrolment"/>), nor does a
/// user whose only second factor is a security key.
/// </summary>
internal static class TwoFactorCheck
{
    /// <summary>Null when the user may have a token; otherwise the 401 problem to answer with.</summary>
    public static async Task<IResult?> RefuseTokenAsync(HttpContext http, string userId, string userName, string? role, string? code, CancellationToken ct)
    {
        var twoFactor = http.RequestServices.GetRequiredService<ITwoFactorAccounts>();
        if (!(await twoFactor.GetStatusAsync(userId, ct)).IsEnabled)
        {
            // A security key answers only a browser's WebAuthn prompt, which a token request cannot carry.
            if (await http.RequestServices.GetRequiredService<ISecurityKeys>().HasAnyAsync(userId, ct))
            {
                await RecordFailureAsync(http, userName, "security key required");
                return Unauthorized("Security key required",
                    "This account's second factor is a security key, which only a browser can use: sign in to the portal and create the token on the Account page.");
            }
            var enrolment = http.RequestServices.GetRequiredService<TwoFactorEnrolment>();
            if (!await enrolment.IsRequiredAsync(userId, role is null ? [] : [role], ct))
            {
                return null;
            }
            await RecordFailureAsync(http, userName, "two-factor enrolment required");
            return TwoFactorEnrolment.Problem();
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            await RecordFailureAsync(http, userName, "two-factor code missing");
            return Unauthorized("Two-factor code required",
                "This account uses two-factor sign-in: send the code your authenticator app shows now (or a recovery code) in the field 'code'.");
        }
        var attempts = http.RequestServices.GetRequiredService<TwoFactorAttempts>();
        if (!attempts.IsBlocked(userId) && await twoFactor.CheckSecondFactorAsync(userId, code, ct))
        {
            attempts.Clear(userId);
            return null;
        }
        attempts.RecordFailure(userId);
        await RecordFailureAsync(http, userName, "wrong two-factor code");
        return Unauthorized("Two-factor code wrong",
            $"The field 'code' holds no current authenticator code or unused recovery code (after {TwoFactorAttempts.MaxFailures} wrong codes, none is accepted for {TwoFactorAttempts.Window.TotalMinutes:0} minutes).");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unauthorized(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title,
            extensions: new Dictionary<string, object?> { ["field"] = "code" });

    private static Task RecordFailureAsync(HttpContext http, string userName, string detail) =>
        new SignInEvent(userName, SignInOutcome.Failed, SignInEvent.TokenCreation, http.Connection.RemoteIpAddress?.ToString(), detail)
            .RecordAsync(http.RequestServices.GetRequiredService<IAuditLog>(), CancellationToken.None);
}
