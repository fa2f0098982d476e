using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;

namespace PingYi.Data.Configurations;

internal sealed class ComplaintSeenConfiguration : IEntityTypeConfiguration<ComplaintSeen>
{
    public void Configure(EntityTypeBuilder<ComplaintSeen> b)
    {
        // The list asks "has this user seen complaint X since …": the key is that lookup.
        b.HasKey(s => new { s.UserId, s.ComplaintId });
        b.Property(s => s.UserId).HasMaxLength(450);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Complaint>().WithMany().HasForeignKey(s => s.ComplaintId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SavedListViewConfiguration : IEntityTypeConfiguration<SavedListView>
{
    public void Configure(EntityTypeBuilder<SavedListView> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.UserId).HasMaxLength(450).IsRequired();
        b.HasOne<StaffUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => v.UserId);
        b.Property(v => v.Name).HasMaxLength(60).IsRequired();
        b.Property(v => v.Query).HasMaxLength(1000).IsRequired();
    }
}

internal sealed class ComplaintLinkConfiguration : IEntityTypeConfiguration<ComplaintLink>
{
    public void Configure(EntityTypeBuilder<ComplaintLink> b)
    {
        b.HasKey(l => l.Id);
        // One row per pair (lower id first); the second index finds the links of a case from the other side.
        b.HasIndex(l => new { l.FirstId, l.SecondId }).IsUnique();
        b.HasIndex(l => l.SecondId);
        b.Property(l => l.Reason).HasMaxLength(1000);
        b.Property(l => l.CreatedBy).HasMaxLength(450);
        b.HasOne<Complaint>().WithMany().HasForeignKey(l => l.FirstId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Complaint>().WithMany().HasForeignKey(l => l.SecondId).OnDelete(DeleteBehavior.Cascade);
    }
}
