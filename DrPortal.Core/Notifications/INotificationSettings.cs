using DrPortal.Core.Common;

namespace DrPortal.Core.Notifications;

/// <summary>The admin's side of notifications: targets (secrets never returned), rules, and the delivery list.</summary>
public interface INotificationSettings
{
    Task<IReadOnlyList<NotificationTargetView>> ListTargetsAsync(CancellationToken ct);

    /// <summary>Adds a target; the first one also creates the default rule when there is none.</summary>
    Task<Result<NotificationTargetView>> CreateTargetAsync(NotificationTargetInput input, string actor, CancellationToken ct);

    Task<Result<NotificationTargetView>> UpdateTargetAsync(int id, NotificationTargetInput input, string actor, CancellationToken ct);

    Task<Result<bool>> DeleteTargetAsync(int id, string actor, CancellationToken ct);

    /// <summary>Sends a test message to the target now (not through the queue) and says how it went.</summary>
    Task<Result<TestSendResult>> SendTestAsync(int id, string actor, CancellationToken ct);

    Task<IReadOnlyList<NotificationRule>> ListRulesAsync(CancellationToken ct);

    Task<Result<NotificationRule>> CreateRuleAsync(NotificationRuleInput input, string actor, CancellationToken ct);

    Task<Result<NotificationRule>> UpdateRuleAsync(int id, NotificationRuleInput input, string actor, CancellationToken ct);

    Task<Result<bool>> DeleteRuleAsync(int id, string actor, CancellationToken ct);

    /// <summary>The newest deliveries first.</summary>
    Task<IReadOnlyList<NotificationDelivery>> ListDeliveriesAsync(int take, CancellationToken ct);
}
