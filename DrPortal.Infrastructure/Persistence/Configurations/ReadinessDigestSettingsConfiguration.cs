using DrPortal.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class ReadinessDigestSettingsConfiguration : IEntityTypeConfiguration<ReadinessDigestSettings>
{
    public void Configure(EntityTypeBuilder<ReadinessDigestSettings> b)
    {
        b.ToTable("ReadinessDigestSettings");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Day).HasConversion<string>().HasMaxLength(12);
        b.Property(s => s.TargetIds).HasConversion(JsonColumn<List<int>>.Converter, JsonColumn<List<int>>.Comparer).HasMaxLength(2000).IsRequired();
        b.Ignore(s => s.Time);
        b.Ignore(s => s.Cron);
    }
}
