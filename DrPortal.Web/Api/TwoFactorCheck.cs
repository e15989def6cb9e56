using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>
/// Token creation with a user name and password is a sign-in too: for a user with two-factor sign-in on it also needs
/// the current authenticator code, or a recovery code (used up), in the request's <c>code</c> field.
/// </summary>
internal static class TwoFactorCheck
{
    /// <summary>Null when the user may have a token; otherwise the 401 problem to answer with.</summary>
    public static async Task<IResult?> RefuseTokenAsync(HttpContext http, UserSummary user, string? code, CancellationToken ct)
    {
        var twoFactor = http.RequestServices.GetRequiredService<ITwoFactorAccounts>();
        if (!(await twoFactor.GetStatusAsync(user.Id, ct)).IsEnabled)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            await RecordFailureAsync(http, user, "two-factor code missing");
            return Unauthorized("Two-factor code required",
                "This account uses two-factor sign-in: send the code your authenticator app shows now (or a recovery code) in the field 'code'.");
        }
        var attempts = http.RequestServices.GetRequiredService<TwoFactorAttempts>();
        if (!attempts.IsBlocked(user.Id) && await twoFactor.CheckSecondFactorAsync(user.Id, code, ct))
        {
            attempts.Clear(user.Id);
            return null;
        }
        attempts.RecordFailure(user.Id);
        await RecordFailureAsync(http, user, "wrong two-factor code");
        return Unauthorized("Two-factor code wrong",
            $"The field 'code' holds no current authenticator code or unused recovery code (after {TwoFactorAttempts.MaxFailures} wrong codes, none is accepted for {TwoFactorAttempts.Window.TotalMinutes:0} minutes).");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unauthorized(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title,
            extensions: new Dictionary<string, object?> { ["field"] = "code" });

    private static Task RecordFailureAsync(HttpContext http, UserSummary user, string detail) =>
        new SignInEvent(user.UserName, SignInOutcome.Failed, SignInEvent.TokenCreation, http.Connection.RemoteIpAddress?.ToString(), detail)
            .RecordAsync(http.RequestServices.GetRequiredService<IAuditLog>(), CancellationToken.None);
}
