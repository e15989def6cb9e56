using DrPortal.Core.Notifications;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Sends a message to a target of either kind; returns what the target answered, throws when it did not take it.</summary>
internal sealed class TargetSender(MailSender mail, WebhookSender webhook)
{
    public Task<string> SendAsync(NotificationTarget target, NotificationMessage message, CancellationToken ct) => target.Kind switch
    {
        NotificationTargetKind.Email => mail.SendAsync(target, message, ct),
        _ => webhook.SendAsync(target, message, ct),
    };

    /// <summary>An error as a delivery shows it: the exception's own words, without inner details that could hold data.</summary>
    public static string Describe(Exception ex) => Core.Common.TextRules.Shorten(ex switch
    {
        TaskCanceledException or TimeoutException => "The target did not answer in time.",
        _ => ex.Message,
    }, NotificationDelivery.ErrorMaxLength)!;
}
