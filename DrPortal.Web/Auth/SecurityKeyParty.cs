using DrPortal.Core.Accounts;

namespace DrPortal.Web.Auth;

/// <summary>
/// The WebAuthn relying party of a request: the host the browser asked for (already checked against AllowedHosts by
/// host filtering, so a forged Host header never gets this far) and its origin. A key registered on one host name works
/// only on that name, as WebAuthn wants; a portal reached under several names has a key registered per name.
/// </summary>
internal static class SecurityKeyParty
{
    public static RelyingParty From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return From(new Uri($"{request.Scheme}://{request.Host.Value}"));
    }

    /// <summary>From the address of an interactive page (its NavigationManager.BaseUri).</summary>
    public static RelyingParty From(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new RelyingParty(address.IdnHost, address.GetLeftPart(UriPartial.Authority));
    }
}
