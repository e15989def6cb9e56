using DrPortal.Core.Recovery;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class DrRunConfiguration : IEntityTypeConfiguration<DrRun>
{
    public void Configure(EntityTypeBuilder<DrRun> b)
    {
        b.ToTable("dr_runs");
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.FailbackTarget).HasConversion<string>().HasMaxLength(12);
        b.Property(r => r.Label).HasMaxLength(DrRun.LabelMaxLength);
        b.Property(r => r.RequestedBy).HasMaxLength(256);
        b.Property(r => r.Error).HasMaxLength(Core.Tasks.DrTask.ErrorMaxLength);
        b.HasIndex(r => r.Status);
        b.HasIndex(r => r.CreatedAt);
        b.HasOne<RecoveryPlan>().WithMany().HasForeignKey(r => r.RecoveryPlanId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Core.Pairs.VmPair>().WithMany().HasForeignKey(r => r.VmPairId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(r => r.Groups).WithOne().HasForeignKey(g => g.DrRunId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(r => r.IsFinished);
        b.Ignore(r => r.RecoveryTime);
    }
}

internal sealed class DrRunGroupConfiguration : IEntityTypeConfiguration<DrRunGroup>
{
    public void Configure(EntityTypeBuilder<DrRunGroup> b)
    {
        b.ToTable("dr_run_groups");
        b.HasIndex(g => new { g.DrRunId, g.Position }).IsUnique();
        b.Property(g => g.Title).HasMaxLength(100);
        b.Property(g => g.PreHook).HasMaxLength(RecoveryPlanGroup.HookMaxLength);
        b.Property(g => g.PostHook).HasMaxLength(RecoveryPlanGroup.HookMaxLength);
        b.Property(g => g.Log).HasMaxLength(DrRunGroup.HookLogMaxLength);
    }
}
