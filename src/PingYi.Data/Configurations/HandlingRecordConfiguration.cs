using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class HandlingRecordConfiguration : IEntityTypeConfiguration<HandlingRecord>
{
    public void Configure(EntityTypeBuilder<HandlingRecord> b)
    {
        b.ToTable("HandlingRecords");
        b.HasKey(r => r.Id);
        b.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        // One row per deadline: a replayed or retried write cannot add a second copy.
        b.HasIndex(r => new { r.ComplaintId, r.Round, r.Attempt }).IsUnique();
        // The channel score reads a round's rows by the year its countIn rule names (assignment time, or the
        // deadline as first set) and groups them by unit.
        b.HasIndex(r => new { r.AssignedAtUtc, r.UnitId });
        b.HasIndex(r => new { r.InitialDueAtUtc, r.UnitId });
        // The deadlines still running at a round's cut-off (stopped after it, or not at all), for their working
        // days overdue: found and grouped from this index alone (an index-only scan on PostgreSQL), not by a
        // second pass over the round's rows. Every column those queries read is in the key.
        b.HasIndex(r => new { r.StoppedAtUtc, r.DueAtUtc, r.UnitId, r.AssignedAtUtc, r.StartedAtUtc, r.InitialDueAtUtc })
            .HasDatabaseName("IX_HandlingRecords_Running");
        b.Ignore(r => r.IsCurrent);
    }
}
