namespace DrPortal.Web.Api;

/// <summary>Body of PUT /archives/{id}/protection; null (missing) is refused rather than read as false.</summary>
public sealed record ArchiveProtectionRequest(bool? Protected);
