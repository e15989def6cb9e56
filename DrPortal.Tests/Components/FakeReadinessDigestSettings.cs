using DrPortal.Core.Common;
using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Components;

/// <summary>Records what the digest form sends; validation is the real input's own (ReadinessDigestInput.Validate).</summary>
internal sealed class FakeReadinessDigestSettings(params int[] targetIds) : IReadinessDigestSettings
{
    public ReadinessDigestSettings Current { get; set; } = new();
    public List<ReadinessDigestInput> Saved { get; } = [];
    public int SendNowCalls { get; private set; }

    public Task<ReadinessDigestSettings> GetAsync(CancellationToken ct) => Task.FromResult(Current);

    public Task<Result<ReadinessDigestSettings>> UpdateAsync(ReadinessDigestInput input, string actor, CancellationToken ct)
    {
        var errors = input.Validate(targetIds);
        if (!errors.IsEmpty)
        {
            return Task.FromResult(Result<ReadinessDigestSettings>.Invalid(errors));
        }
        Saved.Add(input);
        var (hour, minute) = ReadinessDigestInput.ParseTime(input.Time)!.Value;
        Current = new ReadinessDigestSettings { Enabled = input.Enabled, Day = input.Day, Hour = hour, Minute = minute, TargetIds = [.. input.TargetIds ?? []] };
        return Task.FromResult(Result<ReadinessDigestSettings>.Ok(Current));
    }

    public Task<Result<IReadOnlyList<DigestSendResult>>> SendNowAsync(string actor, CancellationToken ct)
    {
        SendNowCalls++;
        return Task.FromResult(Result<IReadOnlyList<DigestSendResult>>.Ok([new DigestSendResult(3, "ops mail", true, "Accepted")]));
    }
}
