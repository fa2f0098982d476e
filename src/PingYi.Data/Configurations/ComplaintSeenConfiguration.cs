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
