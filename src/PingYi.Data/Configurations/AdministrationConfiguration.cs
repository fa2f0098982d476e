using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Administration;
using PingYi.Data.Identity;

namespace PingYi.Data.Configurations;

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.ActorId).HasMaxLength(64).IsRequired();
        b.Property(r => r.ActorName).HasMaxLength(256).IsRequired();
        b.Property(r => r.Kind).HasMaxLength(64).IsRequired();
        b.Property(r => r.Target).HasMaxLength(256).IsRequired();
        // The list reads newest first (keyset on AtUtc, Id), narrowed by kind or actor.
        b.HasIndex(r => new { r.AtUtc, r.Id });
        b.HasIndex(r => new { r.Kind, r.AtUtc });
        b.HasIndex(r => new { r.ActorName, r.AtUtc });
    }
}

internal sealed class PasswordHistoryConfiguration : IEntityTypeConfiguration<PasswordHistoryEntry>
{
    public void Configure(EntityTypeBuilder<PasswordHistoryEntry> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.PasswordHash).HasMaxLength(512).IsRequired();
        b.HasIndex(p => new { p.UserId, p.CreatedAtUtc });
        b.HasOne<StaffUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SecurityPolicyConfiguration : IEntityTypeConfiguration<SecurityPolicy>
{
    public void Configure(EntityTypeBuilder<SecurityPolicy> b)
    {
        b.ToTable("SecurityPolicies");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
    }
}
