using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Domain.Units;

namespace PingYi.Data.Configurations;

internal sealed class UnitConfiguration : IEntityTypeConfiguration<Unit>
{
    public void Configure(EntityTypeBuilder<Unit> b)
    {
        b.HasKey(u => u.Id);
        b.Property(u => u.Code).HasMaxLength(16).IsRequired();
        b.HasIndex(u => u.Code).IsUnique();
        b.Property(u => u.Name).HasMaxLength(100).IsRequired();
        b.Property(u => u.Duties).HasMaxLength(4000).IsRequired();
        b.Property(u => u.SupervisionPhone).HasMaxLength(40).IsRequired();
        b.Property(u => u.ContactEmails);
        b.Property(u => u.ShortNames);
        b.Property(u => u.EvaluationChannelUrl).HasMaxLength(500);
        b.Property(u => u.Active).HasDefaultValue(true).HasSentinel(true);
    }
}
