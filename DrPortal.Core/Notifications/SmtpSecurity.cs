namespace DrPortal.Core.Notifications;

/// <summary>How the SMTP connection of an email target is secured: none, STARTTLS after connecting, or TLS from the start.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    Tls,
}
