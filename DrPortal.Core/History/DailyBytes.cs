namespace DrPortal.Core.History;

/// <summary>A figure in bytes for one UTC day.</summary>
public sealed record DailyBytes(DateOnly Day, long Bytes);
