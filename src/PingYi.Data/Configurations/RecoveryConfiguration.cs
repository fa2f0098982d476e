using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Recovery;
using PingYi.Domain.Complaints;

namespace PingYi.Data.Configurations;

internal sealed class AccessCodeRecoveryConfiguration : IEntityTypeConfiguration<AccessCodeRecovery>
{
    public void Configure(EntityTypeBuilder<AccessCodeRecovery> b)
    {
        b.ToTable("AccessCodeRecoveries");
        b.HasKey(r => r.Id);
        b.Property(r => r.ContactHash).HasMaxLength(64).IsRequired();
        b.Property(r => r.ClientKey).HasMaxLength(64).IsRequired();
        b.Property(r => r.CodeHash).HasMaxLength(128);
        b.HasOne<Complaint>().WithMany().HasForeignKey(r => r.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        // The limits' counts: per case, per contact and per client address over recent requests.
        b.HasIndex(r => new { r.ComplaintId, r.CreatedAtUtc });
        b.HasIndex(r => new { r.ContactHash, r.CreatedAtUtc });
        b.HasIndex(r => new { r.ClientKey, r.CreatedAtUtc });
    }
}
