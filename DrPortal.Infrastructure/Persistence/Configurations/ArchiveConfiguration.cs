using DrPortal.Core.Archives;
using DrPortal.Core.Hypervisors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class ArchiveConfiguration : IEntityTypeConfiguration<Archive>
{
    public void Configure(EntityTypeBuilder<Archive> b)
    {
        b.ToTable("archives");
        b.Property(a => a.SourceHypervisorName).HasMaxLength(63);
        b.Property(a => a.SourceVm).HasMaxLength(VmRef.MaxLength).IsRequired();
        b.Property(a => a.Label).HasMaxLength(Archive.LabelMaxLength).IsRequired();
        b.Property(a => a.Metadata).HasMaxLength(Archive.MetadataMaxLength);
        // One row per backup: the same point of a host is never recorded twice.
        b.HasIndex(a => new { a.SourceHypervisorId, a.Label }).IsUnique();
        b.HasIndex(a => new { a.VmPairId, a.CreatedAt });
        // The unfiltered archive list pages newest first.
        b.HasIndex(a => a.CreatedAt);
        b.HasOne<Core.Pairs.VmPair>().WithMany().HasForeignKey(a => a.VmPairId).OnDelete(DeleteBehavior.SetNull);
        // A point's base cannot vanish under it: deleting a base is refused while a point builds on it.
        b.HasOne<Archive>().WithMany().HasForeignKey(a => a.ParentArchiveId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Files).WithOne().HasForeignKey(f => f.ArchiveId).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.PrimaryCopy).HasConversion<string>().HasMaxLength(12);
        b.Property(a => a.RepositoryCopy).HasConversion<string>().HasMaxLength(12);
        b.Property(a => a.RecoveryCopy).HasConversion<string>().HasMaxLength(12);
        b.Ignore(a => a.IsVerified);
        b.Ignore(a => a.HasBadCopy);
        b.Ignore(a => a.IsIncremental);
        b.Ignore(a => a.RepositoryFolder);
    }
}

internal sealed class ArchiveFileConfiguration : IEntityTypeConfiguration<ArchiveFile>
{
    public void Configure(EntityTypeBuilder<ArchiveFile> b)
    {
        b.ToTable("archive_files");
        b.Property(f => f.Name).HasMaxLength(ArchiveFile.NameMaxLength).IsRequired();
        b.Property(f => f.Role).HasMaxLength(ArchiveFile.RoleMaxLength).IsRequired();
        b.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
        b.HasIndex(f => new { f.ArchiveId, f.Name }).IsUnique();
    }
}
