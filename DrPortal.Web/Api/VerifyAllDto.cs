namespace DrPortal.Web.Api;

/// <summary>The verify tasks a request to verify everything started (one per pair), and the points no pair owns any more.</summary>
public sealed record VerifyAllDto(IReadOnlyList<long> TaskIds, int NotVerifiedWithoutPair);
