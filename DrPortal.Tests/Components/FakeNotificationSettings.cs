using DrPortal.Core.Common;
using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Components;

/// <summary>Records what the dialogs send; validation is the real input's own (NotificationTargetInput.Validate).</summary>
internal sealed class FakeNotificationSettings : INotificationSettings
{
    public List<NotificationTargetInput> Created { get; } = [];
    public List<(int Id, NotificationTargetInput Input)> Updated { get; } = [];
    public TestSendResult TestAnswer { get; set; } = new(true, "HTTP 200 OK");

    public Task<IReadOnlyList<NotificationTargetView>> ListTargetsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<NotificationTargetView>>([]);

    public Task<Result<NotificationTargetView>> CreateTargetAsync(NotificationTargetInput input, string actor, CancellationToken ct)
    {
        var errors = input.Validate(null);
        if (!errors.IsEmpty)
        {
            return Task.FromResult(Result<NotificationTargetView>.Invalid(errors));
        }
        Created.Add(input);
        return Task.FromResult(Result<NotificationTargetView>.Ok(View(Created.Count, input)));
    }

    public Task<Result<NotificationTargetView>> UpdateTargetAsync(int id, NotificationTargetInput input, string actor, CancellationToken ct)
    {
        Updated.Add((id, input));
        return Task.FromResult(Result<NotificationTargetView>.Ok(View(id, input)));
    }

    public Task<Result<bool>> DeleteTargetAsync(int id, string actor, CancellationToken ct) => Task.FromResult(Result<bool>.Ok(true));

    public Task<Result<TestSendResult>> SendTestAsync(int id, string actor, CancellationToken ct) => Task.FromResult(Result<TestSendResult>.Ok(TestAnswer));

    public Task<IReadOnlyList<NotificationRule>> ListRulesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<NotificationRule>>([]);

    public Task<Result<NotificationRule>> CreateRuleAsync(NotificationRuleInput input, string actor, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<NotificationRule>> UpdateRuleAsync(int id, NotificationRuleInput input, string actor, CancellationToken ct) => throw new NotSupportedException();

    public Task<Result<bool>> DeleteRuleAsync(int id, string actor, CancellationToken ct) => Task.FromResult(Result<bool>.Ok(true));

    public Task<IReadOnlyList<NotificationDelivery>> ListDeliveriesAsync(int take, CancellationToken ct) => Task.FromResult<IReadOnlyList<NotificationDelivery>>([]);

    private static NotificationTargetView View(int id, NotificationTargetInput input) => new(id, input.Name ?? "", input.Kind, input.Enabled, input.Url ?? "",
        input.SmtpHost, input.SmtpPort ?? 0, input.SmtpSecurity, input.SmtpUser, input.SmtpPassword is not null, input.From, input.To ?? [], input.Preset,
        input.Method ?? "POST", input.Url, (input.Headers ?? []).Select(h => new WebhookHeaderView(h.Name ?? "", h.Value is not null)).ToList(), input.BodyTemplate);
}
