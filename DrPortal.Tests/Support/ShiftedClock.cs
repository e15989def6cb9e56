using DrPortal.Core.Common;

namespace DrPortal.Tests.Support;

/// <summary>The real time plus an offset a test moves forward (to let tokens or sessions expire) and back.</summary>
public sealed class ShiftedClock : IClock
{
    public TimeSpan Offset { get; set; }

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + Offset;

    /// <summary>Lets <paramref name="by"/> pass at once (hours of idle time in a moment).</summary>
    public void Advance(TimeSpan by) => Offset += by;
}
