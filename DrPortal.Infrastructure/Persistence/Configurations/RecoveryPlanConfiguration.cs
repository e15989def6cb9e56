using DrPortal.Core.Recovery;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class RecoveryPlanConfiguration : IEntityTypeConfiguration<RecoveryPlan>
{
    public void Configure(EntityTypeBuilder<RecoveryPlan> b)
    {
        b.ToTable("recovery_plans");
        // The name is what an admin types to confirm a failover: it must name one plan.
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Name).HasMaxLength(RecoveryPlan.NameMaxLength).IsRequired();
        b.Property(p => p.Description).HasMaxLength(RecoveryPlan.DescriptionMaxLength);
        b.HasMany(p => p.Groups).WithOne().HasForeignKey(g => g.RecoveryPlanId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(p => p.Members);
    }
}

internal sealed class RecoveryPlanGroupConfiguration : IEntityTypeConfiguration<RecoveryPlanGroup>
{
    public void Configure(EntityTypeBuilder<RecoveryPlanGroup> b)
    {
        b.ToTable("recovery_plan_groups");
        b.HasIndex(g => new { g.RecoveryPlanId, g.Position }).IsUnique();
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.PreHook).HasMaxLength(RecoveryPlanGroup.HookMaxLength);
        b.Property(g => g.PostHook).HasMaxLength(RecoveryPlanGroup.HookMaxLength);
        b.HasOne<Core.Hosts.Hypervisor>().WithMany().HasForeignKey(g => g.HookHypervisorId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.RecoveryPlanGroupId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(g => g.Title);
    }
}

internal sealed class RecoveryPlanMemberConfiguration : IEntityTypeConfiguration<RecoveryPlanMember>
{
    public void Configure(EntityTypeBuilder<RecoveryPlanMember> b)
    {
        b.ToTable("recovery_plan_members");
        // A pair in a plan is removed with the pair: the plan stays with its other members.
        b.HasOne(m => m.VmPair).WithMany().HasForeignKey(m => m.VmPairId).OnDelete(DeleteBehavior.Cascade);
    }
}
