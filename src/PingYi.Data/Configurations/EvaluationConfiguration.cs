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
        b.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
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
    }
}
