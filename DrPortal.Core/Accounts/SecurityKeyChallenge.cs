namespace DrPortal.Core.Accounts;

/// <summary>
/// A WebAuthn request on its way to the browser: <paramref name="OptionsJson"/> is what navigator.credentials takes,
/// <paramref name="State"/> the same options encrypted and time-limited for the portal, handed back with the answer so
/// that no challenge has to be kept in server memory (a plain form post, or another portal node, can complete it).
/// </summary>
public sealed record SecurityKeyChallenge(string OptionsJson, string State);
