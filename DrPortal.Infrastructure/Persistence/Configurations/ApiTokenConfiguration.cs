using DrPortal.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.Property(t => t.UserId).HasMaxLength(255).IsRequired();
        b.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.Name).HasMaxLength(64).IsRequired();
        b.HasIndex(t => new { t.UserId, t.Name }).IsUnique();
        b.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.Property(t => t.Hint).HasMaxLength(16);
        b.Property(t => t.Scope).HasConversion<string>().HasMaxLength(16);
    }
}
