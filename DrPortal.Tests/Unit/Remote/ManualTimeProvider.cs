namespace DrPortal.Tests.Unit.Remote;

/// <summary>A clock the test moves by hand; timers still run on the system clock, and tests call the work they would do directly.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
