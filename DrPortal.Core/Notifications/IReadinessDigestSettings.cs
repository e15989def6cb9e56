using DrPortal.Core.Common;

namespace DrPortal.Core.Notifications;

/// <summary>The weekly DR readiness digest: its settings (audited) and sending it now.</summary>
public interface IReadinessDigestSettings
{
    Task<ReadinessDigestSettings> GetAsync(CancellationToken ct);

    /// <summary>Validates, stores and audits the settings, and (re)schedules or removes the weekly job.</summary>
    Task<Result<ReadinessDigestSettings>> UpdateAsync(ReadinessDigestInput input, string actor, CancellationToken ct);

    /// <summary>Builds the readiness report and sends it to the chosen targets now; a result per target.</summary>
    Task<Result<IReadOnlyList<DigestSendResult>>> SendNowAsync(string actor, CancellationToken ct);
}
