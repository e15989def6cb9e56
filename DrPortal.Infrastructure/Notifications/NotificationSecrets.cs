using Microsoft.AspNetCore.DataProtection;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Encrypts target secrets (SMTP passwords, webhook header values) at rest with Data Protection.</summary>
internal sealed class NotificationSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("DrPortal.NotificationSecrets");

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);
}
