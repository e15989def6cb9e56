using DrPortal.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class NotificationTargetConfiguration : IEntityTypeConfiguration<NotificationTarget>
{
    public void Configure(EntityTypeBuilder<NotificationTarget> b)
    {
        b.ToTable("NotificationTargets");
        b.Property(t => t.Name).HasMaxLength(NotificationTarget.NameMaxLength);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.SmtpHost).HasMaxLength(253);
        b.Property(t => t.SmtpSecurity).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.SmtpUser).HasMaxLength(200);
        b.Property(t => t.SmtpPasswordProtected).HasMaxLength(2000);
        b.Property(t => t.From).HasMaxLength(254);
        // Long lists as text columns: two 16000-character columns overflow MariaDB's 64 KiB row.
        b.Property(t => t.To).HasConversion(JsonColumn<List<string>>.Converter, JsonColumn<List<string>>.Comparer).HasColumnType("longtext").IsRequired();
        b.Property(t => t.Preset).HasMaxLength(16);
        b.Property(t => t.Method).HasMaxLength(8);
        b.Property(t => t.Url).HasMaxLength(1000);
        // Header values are Data Protection payloads (see NotificationSecrets), never clear text.
        b.Property(t => t.Headers).HasConversion(JsonColumn<List<WebhookHeader>>.Converter, JsonColumn<List<WebhookHeader>>.Comparer).HasColumnType("longtext").IsRequired();
        b.Property(t => t.BodyTemplate).HasMaxLength(NotificationTarget.BodyTemplateMaxLength);
        b.Ignore(t => t.Where);
    }
}
