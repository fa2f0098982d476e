using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class PriorRankConfiguration : IEntityTypeConfiguration<PriorRank>
{
    public void Configure(EntityTypeBuilder<PriorRank> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.UnitCode).HasMaxLength(16).IsRequired();
        b.Property(p => p.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(p => p.ImportedById).HasMaxLength(450).IsRequired();
        b.HasIndex(p => new { p.Year, p.UnitCode }).IsUnique();
    }
}

internal sealed class AccountabilityFlagConfiguration : IEntityTypeConfiguration<AccountabilityFlag>
{
    public void Configure(EntityTypeBuilder<AccountabilityFlag> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Reason).HasMaxLength(AccountabilityFlag.MaxReasonLength).IsRequired();
        b.Property(f => f.SetById).HasMaxLength(450).IsRequired();
        b.HasOne<Unit>().WithMany().HasForeignKey(f => f.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(f => new { f.Year, f.UnitId }).IsUnique();
    }
}

internal sealed class ResultSnapshotConfiguration : IEntityTypeConfiguration<ResultSnapshot>
{
    public void Configure(EntityTypeBuilder<ResultSnapshot> b)
    {
        b.HasKey(s => s.Id);
        b.HasIndex(s => s.Year).IsUnique();
        b.Ignore(s => s.Scope);
        b.HasMany(s => s.Lines).WithOne().HasForeignKey(l => l.SnapshotId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Fingerprint).HasMaxLength(64);
        b.HasMany(s => s.Parts).WithOne().HasForeignKey(p => p.SnapshotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResultSnapshotPartConfiguration : IEntityTypeConfiguration<ResultSnapshotPart>
{
    public void Configure(EntityTypeBuilder<ResultSnapshotPart> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.UnitCode).HasMaxLength(16).IsRequired();
        b.Property(p => p.Fingerprint).HasMaxLength(64).IsRequired();
        b.Property(p => p.Canonical).IsRequired();
        b.HasIndex(p => new { p.SnapshotId, p.UnitCode }).IsUnique();
    }
}

internal sealed class ResultSnapshotLineConfiguration : IEntityTypeConfiguration<ResultSnapshotLine>
{
    public void Configure(EntityTypeBuilder<ResultSnapshotLine> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.UnitCode).HasMaxLength(16).IsRequired();
        b.Property(l => l.UnitName).HasMaxLength(200).IsRequired();
        b.Property(l => l.Category).HasConversion<string>().HasMaxLength(32);
        b.HasIndex(l => new { l.SnapshotId, l.UnitCode }).IsUnique();
    }
}

internal sealed class MonthlySnapshotConfiguration : IEntityTypeConfiguration<MonthlySnapshot>
{
    public void Configure(EntityTypeBuilder<MonthlySnapshot> b)
    {
        b.HasKey(s => s.Id);
        // One snapshot per round and month, whichever node or person takes it first.
        b.HasIndex(s => new { s.Year, s.Month }).IsUnique();
        b.Property(s => s.TakenById).HasMaxLength(450);
        b.HasMany(s => s.Lines).WithOne().HasForeignKey(l => l.SnapshotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MonthlySnapshotLineConfiguration : IEntityTypeConfiguration<MonthlySnapshotLine>
{
    public void Configure(EntityTypeBuilder<MonthlySnapshotLine> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.UnitCode).HasMaxLength(16).IsRequired();
        b.Property(l => l.UnitName).HasMaxLength(200).IsRequired();
        b.Property(l => l.Category).HasConversion<string>().HasMaxLength(32);
        b.Ignore(l => l.Rates);
        b.HasIndex(l => new { l.SnapshotId, l.UnitCode }).IsUnique();
    }
}
