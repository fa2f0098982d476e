using PingYi.Web.Infrastructure;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Writer;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>PDFs: the pages copied with only their content and resources.</summary>
public static partial class EvidenceSanitizer
{
    /// <summary>
    /// Copies the pages into a new document keeping only what a page shows: its content and resources (fonts,
    /// images, forms), with <c>/PieceInfo</c>, <c>/Metadata</c> and <c>/LastModified</c> dropped from every
    /// dictionary at any depth and page dictionaries reduced to an allow-list (<see cref="PdfAllowList"/>). No Info
    /// dictionary, document XMP, annotations, outlines, forms or JavaScript. A PDF PdfPig cannot copy is refused,
    /// and the complainant is asked to send photos or a screenshot instead.
    /// </summary>
    private static byte[]? CleanPdf(byte[] content, CancellationToken ct)
    {
        using var source = PdfDocument.Open(content);
        if (source.NumberOfPages > MaxPdfPages)
        {
            throw new ZipLimitException(ZipLimit.TooManyPages);
        }
        // First pass: the filter drops the keys, but PdfPig has already copied the objects they pointed at.
        var filtered = CopyPages(source, new PdfAllowList(), ct);
        // Second pass: only what the pages still reach is copied, so those orphans do not survive.
        using var again = PdfDocument.Open(filtered);
        return CopyPages(again, new PdfAllowList(), ct);
    }

    private static byte[] CopyPages(PdfDocument source, ITokenWriter writer, CancellationToken ct)
    {
        using var builder = new PdfDocumentBuilder(new MemoryStream(), true, PdfWriterType.Default, 1.7, writer) { IncludeDocumentInformation = false };
        for (var page = 1; page <= source.NumberOfPages; page++)
        {
            ct.ThrowIfCancellationRequested();
            builder.AddPage(source, page, new PdfDocumentBuilder.AddPageOptions { KeepAnnotations = false });
        }
        return builder.Build();
    }
}
