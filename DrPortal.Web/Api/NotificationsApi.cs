using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>Notification targets, rules and deliveries, for admins. Secrets go in and never come out ("set" / "not set").</summary>
internal static class NotificationsApi
{
    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization(Policies.CanAdminister);

        notifications.MapGet("/targets", async (INotificationSettings store, CancellationToken ct) => TypedResults.Ok(await store.ListTargetsAsync(ct)))
            .WithSummary("Targets; SMTP passwords and header values are shown only as set or not set.");
        notifications.MapPost("/targets", async (NotificationTargetInput body, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
                (await store.CreateTargetAsync(body, user.ActorName(), ct)).ToHttp(t => t, t => $"/api/v1/notifications/targets/{t.Id}"))
            .WithSummary("Adds an Email (SMTP) or Webhook target. The first target also creates the default rule (failures and breaches, to all targets, at once).");
        notifications.MapPut("/targets/{id:int}", async (int id, NotificationTargetInput body, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
                (await store.UpdateTargetAsync(id, body, user.ActorName(), ct)).ToHttp(t => t))
            .WithSummary("Changes a target. A null smtpPassword or header value keeps the stored secret; an empty smtpPassword removes it.");
        notifications.MapDelete("/targets/{id:int}", async (int id, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
            NoContent(await store.DeleteTargetAsync(id, user.ActorName(), ct)));
        notifications.MapPost("/targets/{id:int}/test", async (int id, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
                (await store.SendTestAsync(id, user.ActorName(), ct)).ToHttp(r => r))
            .WithSummary("Sends a test message now and says whether the target took it (delivered) and what it answered.");

        notifications.MapGet("/rules", async (INotificationSettings store, CancellationToken ct) => TypedResults.Ok(await store.ListRulesAsync(ct)));
        notifications.MapPost("/rules", async (NotificationRuleInput body, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
                (await store.CreateRuleAsync(body, user.ActorName(), ct)).ToHttp(r => r, r => $"/api/v1/notifications/rules/{r.Id}"))
            .WithSummary("Adds a rule: event kinds, optional pairIds/hostIds, minSeverity, targetIds (empty: all), mode Immediate or DailyDigest at digestHour (UTC).");
        notifications.MapPut("/rules/{id:int}", async (int id, NotificationRuleInput body, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
            (await store.UpdateRuleAsync(id, body, user.ActorName(), ct)).ToHttp(r => r));
        notifications.MapDelete("/rules/{id:int}", async (int id, ClaimsPrincipal user, INotificationSettings store, CancellationToken ct) =>
            NoContent(await store.DeleteRuleAsync(id, user.ActorName(), ct)));

        notifications.MapGet("/deliveries", async (int? take, INotificationSettings store, CancellationToken ct) => TypedResults.Ok(await store.ListDeliveriesAsync(take ?? 100, ct)))
            .WithSummary("Deliveries newest first (take: at most 500): target, events, attempts, outcome (Pending, Sent, Failed), last error, times.");
    }

    private static IResult NoContent(Result<bool> result) => result.IsOk ? TypedResults.NoContent() : ApiResults.Problem(result);
}
