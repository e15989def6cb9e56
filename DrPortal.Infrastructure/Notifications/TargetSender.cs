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

    /// <summary>How long one send may take when its caller waits for the answer ("Send test", the readiness digest).</summary>
    public static readonly TimeSpan OnceTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends once, within <see cref="OnceTimeout"/>: whether the target took the message, and what it answered or why it did
    /// not. Every failure is the target's answer; only the caller's own cancellation throws.
    /// </summary>
    public async Task<(bool Delivered, string Answer)> TrySendOnceAsync(NotificationTarget target, NotificationMessage message, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(OnceTimeout);
            return (true, await SendAsync(target, message, timeout.Token));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The caller asked how the target answers: every failure is that answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (false, Describe(ex));
        }
    }

    /// <summary>An error as a delivery shows it: the exception's own words, without inner details that could hold data.</summary>
    public static string Describe(Exception ex) => Core.Common.TextRules.Shorten(ex switch
    {
        TaskCanceledException or TimeoutException => "The target did not answer in time.",
        _ => ex.Message,
    }, NotificationDelivery.ErrorMaxLength)!;
}
