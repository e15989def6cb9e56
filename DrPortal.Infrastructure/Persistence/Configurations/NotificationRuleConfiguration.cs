using DrPortal.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class NotificationRuleConfiguration : IEntityTypeConfiguration<NotificationRule>
{
    public void Configure(EntityTypeBuilder<NotificationRule> b)
    {
        b.ToTable("NotificationRules");
        b.Property(r => r.Name).HasMaxLength(NotificationRule.NameMaxLength);
        // Lists read whole with the rule, never queried by their parts: rules are few and matched in memory.
        b.Property(r => r.Kinds).HasConversion(JsonColumn<List<OperationalEventKind>>.Converter, JsonColumn<List<OperationalEventKind>>.Comparer).HasMaxLength(2000).IsRequired();
        b.Property(r => r.PairIds).HasConversion(JsonColumn<List<long>>.Converter, JsonColumn<List<long>>.Comparer).HasColumnType("longtext").IsRequired();
        b.Property(r => r.HostIds).HasConversion(JsonColumn<List<long>>.Converter, JsonColumn<List<long>>.Comparer).HasColumnType("longtext").IsRequired();
        b.Property(r => r.TargetIds).HasConversion(JsonColumn<List<int>>.Converter, JsonColumn<List<int>>.Comparer).HasColumnType("longtext").IsRequired();
        b.Property(r => r.MinSeverity).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Mode).HasConversion<string>().HasMaxLength(16);
    }
}
