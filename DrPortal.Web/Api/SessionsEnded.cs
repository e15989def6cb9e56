namespace DrPortal.Web.Api;

/// <summary>How many browser sessions an admin's "end all sessions" ended.</summary>
public sealed record SessionsEnded(int Ended);
