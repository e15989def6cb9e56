using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class HypervisorConfiguration : IEntityTypeConfiguration<Hypervisor>
{
    public void Configure(EntityTypeBuilder<Hypervisor> b)
    {
        b.ToTable("hypervisors");
        b.Property(h => h.Name).HasMaxLength(TextRules.NameMaxLength).IsRequired();
        b.HasIndex(h => h.Name).IsUnique();
        b.Property(h => h.Address).HasMaxLength(HostAddress.MaxLength).IsRequired();
        b.Property(h => h.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(h => h.Site).HasConversion<string>().HasMaxLength(16);
        b.Property(h => h.SshUser).HasMaxLength(32).IsRequired();
        b.Property(h => h.StagingDirectory).HasMaxLength(255).IsRequired();
        b.Property(h => h.RestoreStorage).HasMaxLength(255);
        b.Property(h => h.Note).HasMaxLength(TextRules.NoteMaxLength);
        b.Property(h => h.HostKeyAlgorithm).HasMaxLength(64);
        b.Property(h => h.HostKeyBlob).HasMaxLength(4096);
        b.Property(h => h.HostKeyFingerprint).HasMaxLength(64);
        b.Property(h => h.CheckState).HasConversion<string>().HasMaxLength(16);
        b.Property(h => h.CheckMessage).HasMaxLength(Hypervisor.CheckMessageMaxLength);
        b.Ignore(h => h.PinnedHostKey);
    }
}
