using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>
/// <c>reclean-evidence</c>: files stored before the allow-list cleaner (DOCX and PDF; the photo cleaner did not
/// change) are cleaned again and replaced in place. A file the current cleaner wrote is recognised and skipped, so
/// the job can run any number of times; one that can no longer be cleaned is left as it is and counted (the
/// evidence is not destroyed — a supervisor decides). Run by an Admin (<c>POST /api/v1/admin/jobs/reclean-evidence/run</c>
/// or the jobs page); one file in memory at a time.
/// </summary>
public static class RecleanEvidence
{
    public const string JobId = "reclean-evidence";

    public sealed record Summary(int Checked, int Recleaned, int Failed);

    public sealed class Handler(PingYiDbContext db, ILogger<Handler> logger)
    {
        public async Task<Summary> HandleAsync(CancellationToken ct)
        {
            var types = new[] { FileInspector.Docx.ContentType, FileInspector.Pdf.ContentType };
            var ids = await db.Attachments.AsNoTracking().Where(a => types.Contains(a.ContentType)).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
            int recleaned = 0, failed = 0;
            foreach (var id in ids)
            {
                var attachment = await db.Attachments.SingleAsync(a => a.Id == id, ct);
                var kind = FileInspector.Recognise(attachment.Content);
                if (kind is not null && NeedsCleaning(kind, attachment.Content))
                {
                    var cleaned = await EvidenceSanitizer.CleanAsync(kind, attachment.Content, ct);
                    if (cleaned.Content is { } content)
                    {
                        attachment.ReplaceContent(content);
                        await db.SaveChangesAsync(ct);
                        recleaned++;
                    }
                    else
                    {
                        failed++;
                        logger.LogWarning("Attachment {Id} could not be cleaned again ({Failure}); it is left as stored.", id, cleaned.Failure);
                    }
                }
                db.ChangeTracker.Clear();
            }
            return new Summary(ids.Count, recleaned, failed);
        }
    }

    /// <summary>
    /// False for what the current cleaner writes: a Word package of only the allow-listed parts, or a PDF whose
    /// objects name none of the dropped keys. Everything the old cleaner kept (docProps, customXml, settings, the
    /// copied page dictionaries) fails this test.
    /// </summary>
    public static bool NeedsCleaning(FileKind kind, byte[] content)
    {
        if (kind == FileInspector.Pdf)
        {
            var span = content.AsSpan();
            return span.IndexOf("/PieceInfo"u8) >= 0 || span.IndexOf("/Metadata"u8) >= 0 || span.IndexOf("/LastModified"u8) >= 0
                   || span.IndexOf("/Info"u8) >= 0 || span.IndexOf("/Annots"u8) >= 0;
        }
        if (kind != FileInspector.Docx)
        {
            return false;
        }
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            return !zip.Entries.All(e => EvidenceSanitizer.IsAllowListedPart(e.FullName));
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
