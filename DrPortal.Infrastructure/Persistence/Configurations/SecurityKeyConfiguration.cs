using DrPortal.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class SecurityKeyConfiguration : IEntityTypeConfiguration<SecurityKey>
{
    public void Configure(EntityTypeBuilder<SecurityKey> b)
    {
        b.ToTable("security_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.UserId).HasMaxLength(255).IsRequired();
        b.HasOne<PortalUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(k => k.UserId);
        b.Property(k => k.CredentialId).HasMaxLength(SecurityKey.CredentialIdMaxLength).IsRequired();
        // A credential belongs to one user: the sign-in looks a key up by the id the authenticator answers with.
        b.HasIndex(k => k.CredentialId).IsUnique();
        b.Property(k => k.PublicKey).IsRequired();
        b.Property(k => k.Name).HasMaxLength(SecurityKey.NameMaxLength).IsRequired();
    }
}
