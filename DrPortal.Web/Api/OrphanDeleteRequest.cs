namespace DrPortal.Web.Api;

/// <summary>Which orphan to delete: the host whose dump area holds it (null: the repository) and its path as the report lists it.</summary>
public sealed record OrphanDeleteRequest(int? HostId, string? Path);
