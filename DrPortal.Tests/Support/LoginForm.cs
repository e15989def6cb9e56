using System.Net;
using System.Text.RegularExpressions;

namespace DrPortal.Tests.Support;

/// <summary>The login page's own form, posted as a browser does (with its antiforgery token); the client keeps the cookie.</summary>
public static partial class LoginForm
{
    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/login");
        var fields = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        if (!fields.ContainsKey("__RequestVerificationToken"))
        {
            throw new InvalidOperationException("The login page has no antiforgery field.");
        }
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        return await client.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>The app bar's sign-out, posted as a browser does: with the antiforgery token of a page it was on.</summary>
    public static async Task<HttpResponseMessage> LogOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/account");
        var token = HiddenInput().Matches(page).FirstOrDefault(m => m.Groups["name"].Value == "__RequestVerificationToken")
            ?? throw new InvalidOperationException("The page has no sign-out form with an antiforgery field.");
        return await client.PostAsync("/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups["value"].Value))]));
    }
}
