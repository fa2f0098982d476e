using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Identity;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class TrackingCounterConfiguration : IEntityTypeConfiguration<TrackingCounter>
{
    public void Configure(EntityTypeBuilder<TrackingCounter> b)
    {
        b.HasKey(c => c.Year);
        b.Property(c => c.Year).ValueGeneratedNever();
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(r => r.Key);
        b.Property(r => r.Key).HasMaxLength(100);
        b.Property(r => r.RequestHash).HasMaxLength(64).IsRequired();
        b.Property(r => r.ProtectedAccessCode).HasMaxLength(1000).IsRequired();
        b.HasIndex(r => r.ExpiresAtUtc);
    }
}

internal sealed class CompletedDataStepConfiguration : IEntityTypeConfiguration<CompletedDataStep>
{
    public void Configure(EntityTypeBuilder<CompletedDataStep> b)
    {
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(100);
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(100).IsRequired();
        b.Property(u => u.EvaluationSource).HasMaxLength(32);
        b.HasOne<Unit>().WithMany().HasForeignKey(u => u.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}
