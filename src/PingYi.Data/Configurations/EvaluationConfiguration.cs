using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Identity;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class EvaluationRoundConfiguration : IEntityTypeConfiguration<EvaluationRound>
{
    public void Configure(EntityTypeBuilder<EvaluationRound> b)
    {
        b.HasKey(r => r.Id);
        b.HasIndex(r => r.Year).IsUnique();
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Ignore(r => r.AcceptsInputs);
        b.Property(r => r.ReopenReason).HasMaxLength(EvaluationScheme.MaxReasonLength);
    }
}

internal sealed class EvaluationSchemeConfiguration : IEntityTypeConfiguration<EvaluationScheme>
{
    public void Configure(EntityTypeBuilder<EvaluationScheme> b)
    {
        b.HasKey(s => s.Id);
        // Two uploads racing for the same next version: one of them fails here and is told to reload.
        b.HasIndex(s => new { s.Year, s.Version }).IsUnique();
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Json).HasMaxLength(EvaluationScheme.MaxJsonLength).IsRequired();
        b.Property(s => s.Reason).HasMaxLength(EvaluationScheme.MaxReasonLength);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.ApprovedById).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EvaluationResponseConfiguration : IEntityTypeConfiguration<EvaluationResponse>
{
    public void Configure(EntityTypeBuilder<EvaluationResponse> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Source).HasMaxLength(32).IsRequired();
        b.Property(r => r.Rating).HasMaxLength(32).IsRequired();
        b.Property(r => r.Comment).HasMaxLength(EvaluationResponse.MaxCommentLength);
        b.Property(r => r.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.EvaluatorId).HasMaxLength(450);
        b.Property(r => r.BrowserKey).HasMaxLength(64);
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(r => r.EvaluatorId).OnDelete(DeleteBehavior.Restrict);
        // What a ranking counts: a round's ratings by source and unit.
        b.HasIndex(r => new { r.RoundId, r.Source, r.UnitId });
        // One public response per browser per unit per day; staff rows have no browser key (NULLs never collide).
        b.HasIndex(r => new { r.UnitId, r.Source, r.BrowserKey, r.PublicDay }).IsUnique();
        b.Property(r => r.FormReference).HasMaxLength(EvaluationResponse.MaxFormReferenceLength);
        b.Property(r => r.ConfirmedById).HasMaxLength(450);
        // One rating per paper form (or respondent code) per round, source and unit; public rows have none (NULLs never collide).
        b.HasIndex(r => new { r.RoundId, r.Source, r.UnitId, r.FormReference }).IsUnique();
        // The cap per account and unit counts an evaluator's rows of one unit.
        b.HasIndex(r => new { r.RoundId, r.EvaluatorId, r.UnitId });
        b.Property(r => r.ReviewFlag).HasMaxLength(EvaluationResponse.MaxReviewFlagLength);
        b.Property(r => r.Fingerprint).HasMaxLength(64);
        // Identical uncoded answers for a unit (the review flag), and the burst window by time.
        b.HasIndex(r => new { r.RoundId, r.UnitId, r.Source, r.Fingerprint });
        b.HasIndex(r => new { r.RoundId, r.UnitId, r.Source, r.CreatedAtUtc });
        b.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SurveyCodeBatchConfiguration : IEntityTypeConfiguration<SurveyCodeBatch>
{
    public void Configure(EntityTypeBuilder<SurveyCodeBatch> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Source).HasMaxLength(32).IsRequired();
        b.Property(x => x.CreatedById).HasMaxLength(450).IsRequired();
        b.Property(x => x.Nonce).HasMaxLength(SurveyCodeBatch.NonceLength).IsRequired();
        b.HasIndex(x => x.Nonce).IsUnique();
        b.HasIndex(x => new { x.RoundId, x.UnitId });
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.CreatedById).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SurveyCodeConfiguration : IEntityTypeConfiguration<SurveyCode>
{
    public void Configure(EntityTypeBuilder<SurveyCode> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Hash).HasMaxLength(64).IsRequired();
        b.HasIndex(x => x.Hash).IsUnique();
        b.HasIndex(x => x.BatchId);
        b.HasOne(x => x.Batch).WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<EvaluationResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EvaluationAnswerConfiguration : IEntityTypeConfiguration<EvaluationAnswer>
{
    public void Configure(EntityTypeBuilder<EvaluationAnswer> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.ItemCode).HasMaxLength(64).IsRequired();
        b.Property(a => a.Choice).HasMaxLength(32);
        b.Property(a => a.Text).HasMaxLength(2000);
        b.HasIndex(a => new { a.ResponseId, a.ItemCode }).IsUnique();
    }
}

internal sealed class InspectionConfiguration : IEntityTypeConfiguration<Inspection>
{
    public void Configure(EntityTypeBuilder<Inspection> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.InspectorId).HasMaxLength(450).IsRequired();
        b.Property(i => i.Rating).HasMaxLength(32).IsRequired();
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(i => i.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(i => i.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(i => i.InspectorId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => new { i.RoundId, i.UnitId });
        b.HasMany(i => i.Findings).WithOne().HasForeignKey(f => f.InspectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InspectionFindingConfiguration : IEntityTypeConfiguration<InspectionFinding>
{
    public void Configure(EntityTypeBuilder<InspectionFinding> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Description).HasMaxLength(InspectionFinding.MaxDescriptionLength).IsRequired();
        b.Property(f => f.Severity).HasMaxLength(16).IsRequired();
    }
}

internal sealed class DeductionConfiguration : IEntityTypeConfiguration<Deduction>
{
    public void Configure(EntityTypeBuilder<Deduction> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Reason).HasMaxLength(Deduction.MaxReasonLength).IsRequired();
        b.Property(d => d.Rule).HasMaxLength(64);
        b.Property(d => d.RecordedById).HasMaxLength(450).IsRequired();
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(d => d.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(d => d.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(d => d.RecordedById).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => new { d.RoundId, d.UnitId });
        // What it punishes: plain columns, checked by the handler (the unit's and the round's) rather than by foreign
        // keys, so the migration only adds columns (SQLite would rebuild the table for a new foreign key).
        b.Ignore(d => d.Cites);
    }
}

internal sealed class EvaluationFileConfiguration : IEntityTypeConfiguration<EvaluationFile>
{
    public void Configure(EntityTypeBuilder<EvaluationFile> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Owner).HasConversion<string>().HasMaxLength(32);
        b.Property(f => f.Milestone).HasMaxLength(32);
        b.Property(f => f.FileName).HasMaxLength(120).IsRequired();
        b.Property(f => f.ContentType).HasMaxLength(100).IsRequired();
        b.Property(f => f.Sha256).HasMaxLength(64).IsRequired();
        b.Property(f => f.UploadedById).HasMaxLength(450).IsRequired();
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(f => f.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(f => f.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(f => new { f.Owner, f.OwnerId });
        b.HasIndex(f => new { f.RoundId, f.UnitId, f.Milestone });
        b.Property(f => f.PublicId).HasMaxLength(PingYi.Domain.Common.FileIds.Length).IsRequired();
        b.HasIndex(f => f.PublicId).IsUnique();
    }
}

internal sealed class RectificationItemConfiguration : IEntityTypeConfiguration<RectificationItem>
{
    public void Configure(EntityTypeBuilder<RectificationItem> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.Source).HasMaxLength(32).IsRequired();
        b.Property(i => i.Problem).HasMaxLength(RectificationItem.MaxProblemLength).IsRequired();
        b.Property(i => i.Measures).HasMaxLength(RectificationItem.MaxMeasuresLength).IsRequired();
        b.Property(i => i.Owner).HasMaxLength(RectificationItem.MaxOwnerLength).IsRequired();
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.CreatedById).HasMaxLength(450).IsRequired();
        b.Property(i => i.VerifiedById).HasMaxLength(450);
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(i => i.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(i => i.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Inspection>().WithMany().HasForeignKey(i => i.InspectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deduction>().WithMany().HasForeignKey(i => i.DeductionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Domain.Complaints.Complaint>().WithMany().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<EvaluationResponse>().WithMany().HasForeignKey(i => i.ResponseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(i => i.CreatedById).OnDelete(DeleteBehavior.Restrict);
        // The supervisors' list (open and overdue across units) and a unit's own list.
        b.HasIndex(i => new { i.RoundId, i.Status, i.DueOn });
        b.HasIndex(i => new { i.RoundId, i.UnitId });
        b.HasMany(i => i.Progress).WithOne().HasForeignKey(p => p.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RectificationProgressConfiguration : IEntityTypeConfiguration<RectificationProgress>
{
    public void Configure(EntityTypeBuilder<RectificationProgress> b)
    {
        b.ToTable("RectificationProgress");
        b.HasKey(p => p.Id);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Note).HasMaxLength(RectificationItem.MaxNoteLength).IsRequired();
        b.Property(p => p.ById).HasMaxLength(450).IsRequired();
        b.HasOne<StaffUser>().WithMany().HasForeignKey(p => p.ById).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => p.ItemId);
    }
}

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Ref).HasMaxLength(64).IsRequired();
        b.Property(a => a.Ground).HasMaxLength(32);
        b.Property(a => a.Reason).HasMaxLength(AppealCodes.MaxReasonLength).IsRequired();
        b.Property(a => a.DecisionReason).HasMaxLength(AppealCodes.MaxReasonLength);
        b.Property(a => a.FiledById).HasMaxLength(450).IsRequired();
        b.Property(a => a.DecidedById).HasMaxLength(450);
        b.HasOne<EvaluationRound>().WithMany().HasForeignKey(a => a.RoundId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(a => a.FiledById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(a => a.DecidedById).OnDelete(DeleteBehavior.Restrict);
        // One appeal per unit and item; approval asks whether a round has any still pending.
        b.HasIndex(a => new { a.RoundId, a.UnitId, a.Kind, a.TargetId }).IsUnique();
        b.HasIndex(a => new { a.RoundId, a.Status });
    }
}

internal sealed class EvaluationExclusionConfiguration : IEntityTypeConfiguration<EvaluationExclusion>
{
    public void Configure(EntityTypeBuilder<EvaluationExclusion> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Restrict);
        // The scoring queries ask "is this (year, kind, unit, item) excluded?".
        b.HasIndex(x => new { x.Year, x.Kind, x.UnitId, x.TargetId }).IsUnique();
    }
}
