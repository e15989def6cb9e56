namespace DrPortal.Core.Accounts;

/// <summary>
/// Who asks the authenticator for a signature, in WebAuthn's terms: <paramref name="Id"/> is the host name the browser
/// shows (a credential works only on that site) and <paramref name="Origin"/> the scheme, host and port the page came
/// from. Both come from the request, whose host the AllowedHosts setting has already checked.
/// </summary>
public sealed record RelyingParty(string Id, string Origin);
