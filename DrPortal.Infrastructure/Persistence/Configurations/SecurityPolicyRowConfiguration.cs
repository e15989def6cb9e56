using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class SecurityPolicyRowConfiguration : IEntityTypeConfiguration<SecurityPolicyRow>
{
    public void Configure(EntityTypeBuilder<SecurityPolicyRow> b)
    {
        b.ToTable("security_policy");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.TwoFactorRequiredRoles).HasMaxLength(256).IsRequired();
        b.Property(p => p.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}
