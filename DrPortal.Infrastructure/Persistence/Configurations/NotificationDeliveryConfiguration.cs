using DrPortal.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> b)
    {
        b.ToTable("NotificationDeliveries");
        b.Property(d => d.TargetName).HasMaxLength(NotificationTarget.NameMaxLength);
        b.Property(d => d.Summary).HasMaxLength(NotificationDelivery.SummaryMaxLength);
        b.Property(d => d.Mode).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(NotificationDelivery.ErrorMaxLength);
        // The events themselves, so a pending delivery is sent after a restart; a digest may hold a day's worth.
        b.Property(d => d.Events).HasConversion(JsonColumn<List<OperationalEvent>>.Converter, JsonColumn<List<OperationalEvent>>.Comparer).HasColumnType("longtext").IsRequired();
        // The sender's question: what is due now.
        b.HasIndex(d => new { d.Outcome, d.NextAttemptAt });
        // A deleted target's deliveries stay in the list under its name.
        b.HasOne<NotificationTarget>().WithMany().HasForeignKey(d => d.TargetId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<NotificationRule>().WithMany().HasForeignKey(d => d.RuleId).OnDelete(DeleteBehavior.SetNull);
    }
}
