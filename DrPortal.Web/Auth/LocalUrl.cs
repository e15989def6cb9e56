namespace DrPortal.Web.Auth;

internal static class LocalUrl
{
    /// <summary>
    /// The return address after login, if it stays on this site; "/" otherwise. Refusing anything with a
    /// scheme, "//" or a backslash closes the open-redirect hole.
    /// </summary>
    public static string Safe(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl))
        {
            return "/";
        }
        var url = returnUrl.StartsWith('/') ? returnUrl : "/" + returnUrl;
        var unsafeUrl = url.StartsWith("//", StringComparison.Ordinal) || url.Contains('\\', StringComparison.Ordinal)
            || url.Contains("://", StringComparison.Ordinal) || url.Any(char.IsControl) || !Uri.TryCreate(url, UriKind.Relative, out _);
        return unsafeUrl ? "/" : url;
    }
}
