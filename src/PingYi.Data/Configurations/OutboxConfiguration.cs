using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PingYi.Data.Outbox;

namespace PingYi.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("OutboxMessages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Kind).HasMaxLength(32).IsRequired();
        b.Property(m => m.Recipient).HasMaxLength(256).IsRequired();
        b.Property(m => m.Subject).HasMaxLength(500).IsRequired();
        b.Property(m => m.TextBody).IsRequired();
        b.Property(m => m.HtmlBody).IsRequired();
        b.Property(m => m.MessageId).HasMaxLength(200).IsRequired();
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.Property(m => m.TemplateParams).HasMaxLength(2000);
        b.HasIndex(m => m.MessageId).IsUnique();
        // The delivery job's query: due rows by state and time.
        b.HasIndex(m => new { m.State, m.NextAttemptAtUtc });
        b.HasIndex(m => m.ComplaintId);
        b.HasIndex(m => m.CreatedAtUtc);
        b.Property(m => m.RecipientHash).HasMaxLength(64);
        b.HasIndex(m => new { m.ComplaintId, m.RecipientHash });
        b.Property(m => m.DedupKey).HasMaxLength(200);
        // NULL keys never collide (both providers): only keyed reminders are held to once per recipient.
        b.HasIndex(m => new { m.DedupKey, m.Recipient }).IsUnique();
    }
}
