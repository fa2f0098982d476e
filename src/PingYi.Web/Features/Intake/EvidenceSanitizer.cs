using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using PingYi.Domain.Complaints;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Processing;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Writer;

namespace PingYi.Web.Features.Intake;

/// <summary>
/// Removes what a file says about who made it before the file is stored: a photo's EXIF (author, GPS
/// position, camera serial), XMP, IPTC and ICC profiles and PNG text chunks; a Word document's core/app/custom
/// properties, the authors of its comments and tracked changes, and the metadata of the images inside it;
/// a PDF's Info dictionary, its XMP and its annotations (comment authors). The unit a complaint is about reads
/// the evidence, and any of these could name the complainant. Only the cleaned bytes are stored (see docs/security.md).
/// </summary>
public static class EvidenceSanitizer
{
    /// <summary>A photo larger than this (in pixels) is refused: decoding it would take gigabytes of memory.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>A Word package that expands beyond this is refused (a zip bomb).</summary>
    public const long MaxUnpackedBytes = 200L * 1024 * 1024;

    public const int MaxPackageEntries = 2000;

    /// <summary>The cleaned bytes, or null when the file cannot be read as its kind (the caller refuses it).</summary>
    public static byte[]? Clean(FileKind kind, byte[] content)
    {
        try
        {
            if (kind == FileInspector.Jpeg || kind == FileInspector.Png)
            {
                return CleanImage(content, kind == FileInspector.Png);
            }
            if (kind == FileInspector.Docx)
            {
                return CleanDocx(content);
            }
            if (kind == FileInspector.Pdf)
            {
                return CleanPdf(content);
            }
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // A malformed file is refused rather than stored with whatever it carries.
        }
        return null;
    }

    private static byte[]? CleanImage(byte[] content, bool png)
    {
        var info = Image.Identify(content);
        if (info is null || (long)info.Width * info.Height > MaxPixels)
        {
            return null;
        }
        using var image = Image.Load(content);
        // Turn the pixels upright before the EXIF orientation tag goes with the rest of the EXIF.
        image.Mutate(x => x.AutoOrient());
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.IccProfile = null;
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.IccProfile = null;
        }
        using var output = new MemoryStream();
        if (png)
        {
            image.Metadata.GetPngMetadata().TextData.Clear();
            image.Save(output, new PngEncoder { IgnoreMetadata = true });
        }
        else
        {
            image.Save(output, new JpegEncoder { Quality = 90 });
        }
        return output.ToArray();
    }

    // Parts whose whole content is metadata about the document and its authors: replaced by empty ones of
    // the same type, so that the package's relationships and content types stay valid.
    private static readonly Dictionary<string, string> EmptyParts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["docProps/core.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>""",
        ["docProps/app.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>""",
        ["docProps/custom.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>""",
        ["word/people.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>""",
    };

    // Attributes that carry a person: comment and revision authors and their initials, co-author ids.
    private static readonly HashSet<string> PersonAttributes = new(StringComparer.Ordinal) { "author", "initials", "userId", "providerId" };

    private static byte[]? CleanDocx(byte[] content)
    {
        using var input = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        if (input.Entries.Count > MaxPackageEntries || input.Entries.Sum(e => e.Length) > MaxUnpackedBytes)
        {
            return null;
        }
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var name = entry.FullName;
                byte[] bytes;
                using (var stream = entry.Open())
                using (var buffer = new MemoryStream())
                {
                    stream.CopyTo(buffer);
                    bytes = buffer.ToArray();
                }
                if (EmptyParts.TryGetValue(name, out var empty))
                {
                    bytes = System.Text.Encoding.UTF8.GetBytes(empty);
                }
                else if (name.StartsWith("word/", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                {
                    bytes = WithoutPersons(bytes);
                }
                else if (FileInspector.Recognise(bytes) is { } inner && (inner == FileInspector.Jpeg || inner == FileInspector.Png))
                {
                    // Photos pasted into the document keep their EXIF unless cleaned too (docProps/thumbnail as well).
                    bytes = CleanImage(bytes, inner == FileInspector.Png) ?? throw new InvalidDataException("unreadable embedded image");
                }
                // A fixed time: the entries' timestamps would otherwise tell when the complainant saved the file.
                var target = zip.CreateEntry(name, CompressionLevel.Optimal);
                target.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var write = target.Open();
                write.Write(bytes);
            }
        }
        return output.ToArray();
    }

    private static byte[] WithoutPersons(byte[] xml)
    {
        // No DTDs: a document part never needs one, and entity expansion is a memory attack.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        XDocument doc;
        using (var reader = XmlReader.Create(new MemoryStream(xml, writable: false), settings))
        {
            doc = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        var changed = false;
        foreach (var attribute in doc.Descendants().Attributes().Where(a => PersonAttributes.Contains(a.Name.LocalName)).ToList())
        {
            attribute.Value = string.Empty;
            changed = true;
        }
        // word/comments*.xml may also hold a w15:person list, and rsids are per editing session; neither is needed.
        foreach (var person in doc.Descendants().Where(e => e.Name.LocalName is "person" or "presenceInfo").ToList())
        {
            person.Remove();
            changed = true;
        }
        if (!changed)
        {
            return xml;
        }
        using var output = new MemoryStream();
        doc.Save(output, SaveOptions.DisableFormatting);
        return output.ToArray();
    }

    /// <summary>
    /// Copies the pages (content, fonts, images) into a new document without the Info dictionary, the
    /// document or page XMP and the annotations. PdfPig cannot edit a file in place; a PDF it cannot copy is
    /// refused, and the complainant is asked to send photos or a screenshot instead.
    /// </summary>
    private static byte[]? CleanPdf(byte[] content)
    {
        using var source = PdfDocument.Open(content);
        using var builder = new PdfDocumentBuilder { IncludeDocumentInformation = false };
        for (var page = 1; page <= source.NumberOfPages; page++)
        {
            builder.AddPage(source, page, new PdfDocumentBuilder.AddPageOptions { KeepAnnotations = false });
        }
        return builder.Build();
    }
}
