using DrPortal.Core.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>
/// Sends a message to an email target over SMTP (MailKit): plain, STARTTLS or TLS, with login when a user is set; a message
/// with HTML goes as multipart/alternative (text and HTML).
/// </summary>
internal sealed class MailSender(NotificationSecrets secrets)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<string> SendAsync(NotificationTarget target, NotificationMessage message, CancellationToken ct)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(target.From ?? ""));
        foreach (var to in target.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }
        mail.Subject = message.Subject;
        mail.Body = message.Html is null
            ? new TextPart("plain") { Text = message.Body }
            : new BodyBuilder { TextBody = message.Body, HtmlBody = message.Html }.ToMessageBody();

        using var smtp = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        var security = target.SmtpSecurity switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await smtp.ConnectAsync(target.SmtpHost ?? "", target.SmtpPort, security, ct);
        if (!string.IsNullOrEmpty(target.SmtpUser))
        {
            var password = target.SmtpPasswordProtected is { } p ? secrets.Unprotect(p) : "";
            await smtp.AuthenticateAsync(target.SmtpUser, password, ct);
        }
        var reply = await smtp.SendAsync(mail, ct);
        await smtp.DisconnectAsync(quit: true, ct);
        return $"Accepted by {target.SmtpHost}: {reply}".Trim();
    }
}
