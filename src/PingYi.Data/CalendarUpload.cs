using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PingYi.Data;

/// <summary>
/// A year's holiday calendar an Admin uploaded (holiday-cn JSON, as in <c>workflows/calendars/cn/</c>). In the
/// database so every node sees it; it overrides the shipped file of the same year.
/// </summary>
public sealed class CalendarUpload
{
    public int Year { get; set; }

    /// <summary>The file as uploaded (validated before it was stored).</summary>
    public string Json { get; set; } = string.Empty;

    public DateTime UploadedAtUtc { get; set; }

    /// <summary>The Admin's user id.</summary>
    public string UploadedBy { get; set; } = string.Empty;
}

internal sealed class CalendarUploadConfiguration : IEntityTypeConfiguration<CalendarUpload>
{
    public void Configure(EntityTypeBuilder<CalendarUpload> b)
    {
        b.HasKey(c => c.Year);
        b.Property(c => c.Year).ValueGeneratedNever();
        b.Property(c => c.Json).HasMaxLength(200_000).IsRequired();
        b.Property(c => c.UploadedBy).HasMaxLength(64).IsRequired();
    }
}
