using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class VmPairConfiguration : IEntityTypeConfiguration<VmPair>
{
    public void Configure(EntityTypeBuilder<VmPair> b)
    {
        b.ToTable("vm_pairs");
        // A recovery VMID has one owner; the database enforces it so two racing requests cannot both win.
        b.HasIndex(p => new { p.TargetHypervisorId, p.TargetVmId }).IsUnique();
        b.HasIndex(p => new { p.SourceHypervisorId, p.SourceVmId });
        b.HasOne(p => p.SourceHypervisor).WithMany().HasForeignKey(p => p.SourceHypervisorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(p => p.TargetHypervisor).WithMany().HasForeignKey(p => p.TargetHypervisorId).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.Note).HasMaxLength(TextRules.NoteMaxLength);
        b.Property(p => p.Compression).HasConversion<string>().HasMaxLength(8);
        b.Property(p => p.BackupMode).HasConversion<string>().HasMaxLength(8);
        b.Property(p => p.ReplicaStart).HasConversion<string>().HasMaxLength(12);
        b.Property(p => p.ReplicaIdentity).HasMaxLength(VmPair.ReplicaIdentityMaxLength);
        b.Property(p => p.SourceVmName).HasMaxLength(100);
        b.Ignore(p => p.Retention);
    }
}
