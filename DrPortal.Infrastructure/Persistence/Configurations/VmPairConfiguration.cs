using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class VmPairConfiguration : IEntityTypeConfiguration<VmPair>
{
    public void Configure(EntityTypeBuilder<VmPair> b)
    {
        b.ToTable("vm_pairs");
        // A recovery VM has one owner; the database enforces it so two racing requests cannot both win.
        b.HasIndex(p => new { p.TargetHypervisorId, p.TargetVm }).IsUnique();
        b.HasIndex(p => new { p.SourceHypervisorId, p.SourceVm });
        b.Property(p => p.SourceVm).HasMaxLength(VmRef.MaxLength).IsRequired();
        b.Property(p => p.TargetVm).HasMaxLength(VmRef.MaxLength).IsRequired();
        b.Property(p => p.SourceVmUuid).HasMaxLength(64);
        b.HasOne(p => p.SourceHypervisor).WithMany().HasForeignKey(p => p.SourceHypervisorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(p => p.TargetHypervisor).WithMany().HasForeignKey(p => p.TargetHypervisorId).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.Note).HasMaxLength(TextRules.NoteMaxLength);
        b.Property(p => p.BackupOptions).HasConversion(OptionMap.Converter, OptionMap.Comparer).HasMaxLength(OptionMap.MaxLength).IsRequired();
        b.Property(p => p.ReplicaStart).HasConversion<string>().HasMaxLength(12);
        b.Property(p => p.ReplicaIdentity).HasMaxLength(VmPair.ReplicaIdentityMaxLength);
        b.Property(p => p.SourceVmName).HasMaxLength(100);
        b.Ignore(p => p.Retention);
        b.Ignore(p => p.ReplicationBlockedReason);
        b.Property(p => p.FailoverNetwork).HasConversion(JsonColumn<List<NicMapping>>.Converter, JsonColumn<List<NicMapping>>.Comparer).HasMaxLength(4000).IsRequired();
        b.Property(p => p.DrillNetwork).HasConversion(JsonColumn<List<NicMapping>>.Converter, JsonColumn<List<NicMapping>>.Comparer).HasMaxLength(4000).IsRequired();
        b.Property(p => p.SourceNics).HasConversion(JsonColumn<List<VmNic>>.Converter, JsonColumn<List<VmNic>>.Comparer).HasMaxLength(4000).IsRequired();
        b.Property(p => p.BootCheck).HasConversion(JsonColumn<BootCheck>.Converter, JsonColumn<BootCheck>.Comparer).HasMaxLength(2000).IsRequired();
        b.Property(p => p.Direction).HasConversion<string>().HasMaxLength(16);
    }
}
