namespace DrPortal.Core.Common;

/// <summary>The current time, injectable so schedules and retention can be tested.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
