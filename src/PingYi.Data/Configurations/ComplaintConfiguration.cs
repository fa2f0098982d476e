using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Domain.Complaints;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>
{
    public void Configure(EntityTypeBuilder<Complaint> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.TrackingNumber).HasMaxLength(24).IsRequired();
        b.HasIndex(c => c.TrackingNumber).IsUnique();
        b.Property(c => c.AccessCodeHash).HasMaxLength(128).IsRequired();
        b.Property(c => c.Title).HasMaxLength(400).IsRequired();
        b.Property(c => c.Description).HasMaxLength(20000).IsRequired();
        b.Property(c => c.Location).HasMaxLength(800);
        b.Property(c => c.WorkflowId).HasMaxLength(64).IsRequired();
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.UnitId, c.Status });
        b.HasIndex(c => new { c.Status, c.SubmittedAtUtc });
        // Keyset pagination of the staff list, and the timer sweep.
        b.HasIndex(c => new { c.SubmittedAtUtc, c.Id });
        b.HasIndex(c => c.NextTimerAtUtc);
        // Deadline order within a status: the overdue rule (Status = Assigned AND DueAtUtc <= now) as a range, for the
        // 督办台, the overdue filter and the inboxes' "by deadline" sections. Without it, at a million complaints each
        // of those read every assigned row from the heap (docs/benchmarks.md, staff pages).
        b.HasIndex(c => new { c.Status, c.DueAtUtc });
        // The few cases with a pending return or extension request, for the supervisor inbox: a partial index of a
        // few hundred entries instead of a filter over every assigned row. The filter is plain SQL both providers read.
        b.HasIndex(c => new { c.Status, c.DueAtUtc }, "IX_Complaints_PendingRequest").HasFilter("\"PendingRequest\" <> 0");
        b.Property(c => c.ResponseFindings).HasMaxLength(20000);
        b.Property(c => c.ResponseMeasures).HasMaxLength(20000);
        b.Property(c => c.PublicReply).HasMaxLength(20000);
        // The unit's desk: 我的 / 本单位未分配 filter a unit's cases by who holds them.
        b.Property(c => c.HandlerId).HasMaxLength(64);
        b.HasIndex(c => new { c.UnitId, c.HandlerId });
        b.Ignore(c => c.IsAtUnit);
        // 并案: a primary's secondaries are found by it.
        b.HasIndex(c => c.MergedIntoId);
        b.Property(c => c.MergeReason).HasMaxLength(1000);

        b.HasMany(c => c.Events).WithOne().HasForeignKey(e => e.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.Events).HasField("_events").UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasMany(c => c.SupervisionNotices).WithOne().HasForeignKey(n => n.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.SupervisionNotices).HasField("_supervisionNotices").UsePropertyAccessMode(PropertyAccessMode.Field);
        // The handling record is part of the aggregate's state (its current attempt): loaded with every complaint.
        b.HasMany(c => c.HandlingRecords).WithOne().HasForeignKey(r => r.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.HandlingRecords).HasField("_handlingRecords").UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
        b.Ignore(c => c.CurrentHandling);
        // Raised notices live only until the save that writes them to the outbox.
        b.Ignore(c => c.PendingNotices);
    }
}

internal sealed class ComplaintEventConfiguration : IEntityTypeConfiguration<ComplaintEvent>
{
    public void Configure(EntityTypeBuilder<ComplaintEvent> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Action).HasMaxLength(40).IsRequired();
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorRole).HasMaxLength(40).IsRequired();
        b.Property(e => e.PublicNote).HasMaxLength(20000);
        b.Property(e => e.InternalNote).HasMaxLength(20000);
        b.HasIndex(e => new { e.ComplaintId, e.AtUtc });
    }
}

internal sealed class SupervisionNoticeConfiguration : IEntityTypeConfiguration<SupervisionNotice>
{
    public void Configure(EntityTypeBuilder<SupervisionNotice> b)
    {
        b.HasKey(n => n.Id);
        b.Property(n => n.Number).HasMaxLength(24).IsRequired();
        b.HasIndex(n => n.Number).IsUnique();
        b.Property(n => n.Reason).HasMaxLength(4000).IsRequired();
        b.Property(n => n.IssuedBy).HasMaxLength(64).IsRequired();
        b.Property(n => n.Answer).HasMaxLength(20000);
        b.Property(n => n.AnsweredBy).HasMaxLength(64);
        b.HasOne<Unit>().WithMany().HasForeignKey(n => n.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(n => n.ComplaintId);
        // The 督办台 and the handler's inbox ask for a unit's open notices.
        b.HasIndex(n => new { n.UnitId, n.AnsweredAtUtc });
        b.Ignore(n => n.IsOpen);
    }
}

internal sealed class ComplainantContactConfiguration : IEntityTypeConfiguration<ComplainantContact>
{
    public void Configure(EntityTypeBuilder<ComplainantContact> b)
    {
        b.HasKey(c => c.ComplaintId);
        b.Property(c => c.Name).HasMaxLength(200).IsRequired();
        b.Property(c => c.Phone).HasMaxLength(40);
        b.Property(c => c.Email).HasMaxLength(254);
        b.HasOne<Complaint>("Complaint").WithOne().HasForeignKey<ComplainantContact>(c => c.ComplaintId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(200).IsRequired();
        b.Property(a => a.OriginalFileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100).IsRequired();
        b.Property(a => a.Sha256).HasMaxLength(64).IsRequired();
        b.Property(a => a.Content).IsRequired();
        b.HasOne<Complaint>("Owner").WithMany().HasForeignKey(a => a.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ComplaintEvent>().WithMany().HasForeignKey(a => a.EventId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => a.ComplaintId);
        b.Property(a => a.PublicId).HasMaxLength(PingYi.Domain.Common.FileIds.Length).IsRequired();
        b.HasIndex(a => a.PublicId).IsUnique();
    }
}

internal sealed class ComplaintNoteConfiguration : IEntityTypeConfiguration<ComplaintNote>
{
    public void Configure(EntityTypeBuilder<ComplaintNote> b)
    {
        b.HasKey(n => n.Id);
        b.HasOne<Complaint>().WithMany().HasForeignKey(n => n.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.ComplaintId, n.AtUtc });
        b.Property(n => n.AuthorId).HasMaxLength(64).IsRequired();
        b.Property(n => n.AuthorRole).HasMaxLength(40).IsRequired();
        b.Property(n => n.Text).HasMaxLength(ComplaintNote.MaxLength * 2).IsRequired();
    }
}

internal sealed class ReplyTemplateConfiguration : IEntityTypeConfiguration<ReplyTemplate>
{
    public void Configure(EntityTypeBuilder<ReplyTemplate> b)
    {
        b.HasKey(t => t.Id);
        b.HasOne<Unit>().WithMany().HasForeignKey(t => t.UnitId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.UnitId);
        b.Property(t => t.Title).HasMaxLength(ReplyTemplate.TitleMaxLength * 2).IsRequired();
        b.Property(t => t.Text).HasMaxLength(ReplyTemplate.TextMaxLength * 2).IsRequired();
        b.Property(t => t.UpdatedBy).HasMaxLength(64).IsRequired();
    }
}
