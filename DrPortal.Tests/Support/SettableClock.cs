using DrPortal.Core.Common;

namespace DrPortal.Tests.Support;

/// <summary>A clock a test moves forward, so hours of idle time pass in a moment. Starts at the real time.</summary>
public sealed class SettableClock : IClock
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public DateTimeOffset UtcNow => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
