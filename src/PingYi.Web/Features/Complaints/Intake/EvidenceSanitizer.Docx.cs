using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>Word documents: rebuilt from an allow-list of parts, each XML part filtered as a stream, relationships and content types written anew.</summary>
public static partial class EvidenceSanitizer
{
    private const string RelationshipsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string OfficeRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string ImageRelType = OfficeRelNs + "/image";
    private const string WordContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

    // The parts kept, with their relationship type (from word/document.xml) and content type. Everything else
    // goes: docProps/*, customXml/*, settings (docVars, rsids, attachedTemplate), people, comments, headers and
    // footers, glossary, embedded objects, fonts, themes, web settings, and every external relationship.
    private static readonly (string Part, string RelType, string ContentType)[] KeptParts =
    [
        ("word/styles.xml", OfficeRelNs + "/styles", WordContentType + "styles+xml"),
        ("word/numbering.xml", OfficeRelNs + "/numbering", WordContentType + "numbering+xml"),
        ("word/footnotes.xml", OfficeRelNs + "/footnotes", WordContentType + "footnotes+xml"),
        ("word/endnotes.xml", OfficeRelNs + "/endnotes", WordContentType + "endnotes+xml"),
    ];

    // Elements dropped with everything inside them, in any kept part: what points at a part that is not kept
    // (headers, footers, comments, embedded objects, sub-documents) and what names or dates an editing session.
    private static readonly HashSet<string> DroppedElements = new(StringComparer.Ordinal)
    {
        "docVars", "attachedTemplate", "rsids", "person", "presenceInfo", "headerReference", "footerReference",
        "commentRangeStart", "commentRangeEnd", "commentReference", "object", "altChunk", "subDoc", "dataBinding",
        "customXmlPr", "documentProtection", "writeProtection",
    };

    // Attributes that carry a person or an editing session: comment and revision authors, their initials and
    // dates, co-author ids, revision-save ids.
    private static readonly HashSet<string> PersonAttributes = new(StringComparer.Ordinal) { "author", "initials", "userId", "providerId", "date", "dateUtc" };

    private static byte[]? CleanDocx(byte[] content, CancellationToken ct)
    {
        using var input = BoundedZip.Open(content, MaxPackageEntries);
        var zip = new BoundedZip(MaxUnpackedBytes, ct);
        if (input.GetEntry("word/document.xml") is not { } body)
        {
            return null;
        }
        var kept = KeptParts.Where(p => input.GetEntry(p.Part) is not null).ToList();
        var media = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // source part -> new part
        using var output = new MemoryStream();
        using (var package = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Parts with content: each with the images it may point at, under new names, and nothing else.
            foreach (var (part, isBody) in new[] { ("word/document.xml", true) }.Concat(kept.Select(p => (p.Part, false))))
            {
                var images = ImageRelationships(input, zip, part, media, package);
                var relationships = new List<(string Id, string Type, string Target)>(images);
                if (isBody)
                {
                    relationships.AddRange(kept.Select((p, i) => ($"pyRel{i + 1}", p.RelType, p.Part["word/".Length..])));
                }
                var entry = input.GetEntry(part)!;
                using (var source = zip.OpenEntry(entry, MaxXmlPartBytes))
                using (var target = NewEntry(package, part))
                {
                    FilterXml(source, target, images.Select(i => i.Id).ToHashSet(StringComparer.Ordinal));
                }
                if (relationships.Count > 0)
                {
                    WriteRelationships(package, $"word/_rels/{part["word/".Length..]}.rels", relationships);
                }
            }
            WriteRelationships(package, "_rels/.rels", [("rId1", OfficeRelNs + "/officeDocument", "word/document.xml")]);
            WriteContentTypes(package, kept.Select(p => (p.Part, p.ContentType)), media.Values);
        }
        return output.ToArray();
    }

    /// <summary>Whether a part name is one the cleaner writes (used to tell its output from files stored before it).</summary>
    public static bool IsAllowListedPart(string name) =>
        name is "[Content_Types].xml" or "_rels/.rels" or "word/document.xml" or "word/_rels/document.xml.rels"
        || KeptParts.Any(p => name == p.Part || name == $"word/_rels/{p.Part["word/".Length..]}.rels")
        || MediaName().IsMatch(name);

    [GeneratedRegex(@"^word/media/image[0-9]+\.(png|jpg)$")]
    private static partial Regex MediaName();

    /// <summary>
    /// The part's internal image relationships whose target is a JPEG or PNG in the package: each image cleaned and
    /// written once as word/media/imageN.ext, the relationship keeping its id (the part's XML refers to it).
    /// </summary>
    private static List<(string Id, string Type, string Target)> ImageRelationships(ZipArchive input, BoundedZip zip, string part,
        Dictionary<string, string> media, ZipArchive package)
    {
        var result = new List<(string, string, string)>();
        var relsEntry = input.GetEntry($"word/_rels/{part["word/".Length..]}.rels");
        if (relsEntry is null)
        {
            return result;
        }
        using var stream = zip.OpenEntry(relsEntry, MaxXmlPartBytes);
        using var reader = XmlReader.Create(stream, ReaderSettings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Relationship" || reader.NamespaceURI != RelationshipsNs)
            {
                continue;
            }
            if (reader.Depth > MaxXmlDepth)
            {
                throw new ZipLimitException(ZipLimit.TooDeep);
            }
            var (id, type, target, mode) = (reader.GetAttribute("Id"), reader.GetAttribute("Type"), reader.GetAttribute("Target"), reader.GetAttribute("TargetMode"));
            if (id is null || type != ImageRelType || target is null || string.Equals(mode, "External", StringComparison.OrdinalIgnoreCase)
                || !IsRelationshipId(id) || ResolvePart("word/", target) is not { } source || input.GetEntry(source) is not { } imageEntry)
            {
                continue;
            }
            if (!media.TryGetValue(source, out var written))
            {
                var bytes = zip.ReadAll(imageEntry, MaxMediaBytes);
                var kind = FileInspector.Recognise(bytes);
                if (kind != FileInspector.Jpeg && kind != FileInspector.Png)
                {
                    continue; // EMF, WMF, GIF, TIFF: not cleaned, so not kept
                }
                // Photos pasted into the document keep their EXIF unless cleaned too.
                var cleaned = CleanImage(bytes, kind == FileInspector.Png) ?? throw new InvalidDataException("unreadable embedded image");
                written = $"word/media/image{media.Count + 1}.{kind!.Extension}";
                using (var image = NewEntry(package, written))
                {
                    image.Write(cleaned);
                }
                media[source] = written;
            }
            result.Add((id, ImageRelType, written["word/".Length..]));
        }
        return result;
    }

    private static bool IsRelationshipId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The package part a relative (or absolute) target names, or null when it leaves the package.</summary>
    private static string? ResolvePart(string folder, string target)
    {
        if (target.Contains(':', StringComparison.Ordinal) || target.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }
        var segments = new List<string>();
        foreach (var segment in (target.StartsWith('/') ? target.TrimStart('/') : folder + target).Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    return null;
                }
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment is not ("" or "."))
            {
                segments.Add(Uri.UnescapeDataString(segment));
            }
        }
        return string.Join('/', segments);
    }

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        // No DTDs: a document part never needs one, and entity expansion is a memory attack.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        CloseOutput = false,
    };

    // A local file path or a file: URL inside a field instruction (HYPERLINK, INCLUDEPICTURE, INCLUDETEXT)
    // names the complainant's folders (C:\Users\<name>\…); the instruction is emptied, the field's shown result stays.
    [GeneratedRegex(@"file:|[A-Za-z]:\\|\\\\|/Users/|/home/", RegexOptions.IgnoreCase)]
    private static partial Regex LocalPath();

    /// <summary>
    /// Copies one XML part node by node (never whole in memory), without the dropped elements, the person and
    /// session attributes (every <c>rsid*</c>), relationship references that are not kept, comments, processing
    /// instructions and local paths in field instructions.
    /// </summary>
    private static void FilterXml(Stream source, Stream target, IReadOnlySet<string> keptRelationshipIds)
    {
        using var reader = XmlReader.Create(source, ReaderSettings);
        using var writer = XmlWriter.Create(target, WriterSettings);
        writer.WriteStartDocument(standalone: true);
        var instruction = false;
        reader.Read();
        while (!reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth > MaxXmlDepth)
                    {
                        throw new ZipLimitException(ZipLimit.TooDeep);
                    }
                    if (DroppedElements.Contains(reader.LocalName))
                    {
                        reader.Skip();
                        continue;
                    }
                    var empty = reader.IsEmptyElement;
                    instruction = !empty && reader.LocalName == "instrText";
                    writer.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                    while (reader.MoveToNextAttribute())
                    {
                        if (reader.NamespaceURI == "http://www.w3.org/2000/xmlns/")
                        {
                            writer.WriteAttributeString(reader.Prefix, reader.LocalName, reader.NamespaceURI, reader.Value);
                            continue;
                        }
                        if (PersonAttributes.Contains(reader.LocalName) || reader.LocalName.StartsWith("rsid", StringComparison.Ordinal)
                            || ((reader.NamespaceURI == OfficeRelNs || reader.LocalName == "relid") && !keptRelationshipIds.Contains(reader.Value)))
                        {
                            continue;
                        }
                        var value = reader.LocalName == "instr" && LocalPath().IsMatch(reader.Value) ? " " : reader.Value;
                        writer.WriteAttributeString(reader.Prefix, reader.LocalName, reader.NamespaceURI, value);
                    }
                    reader.MoveToElement();
                    if (empty)
                    {
                        writer.WriteEndElement();
                    }
                    break;
                case XmlNodeType.EndElement:
                    instruction = false;
                    writer.WriteFullEndElement();
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                    writer.WriteString(instruction && LocalPath().IsMatch(reader.Value) ? " " : reader.Value);
                    break;
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    writer.WriteWhitespace(reader.Value);
                    break;
            }
            reader.Read();
        }
        writer.WriteEndDocument();
    }

    private static Stream NewEntry(ZipArchive package, string name)
    {
        var entry = package.CreateEntry(name, CompressionLevel.Optimal);
        // A fixed time: the entries' timestamps would otherwise tell when the complainant saved the file.
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return entry.Open();
    }

    private static void WriteRelationships(ZipArchive package, string name, IEnumerable<(string Id, string Type, string Target)> relationships)
    {
        using var stream = NewEntry(package, name);
        using var writer = XmlWriter.Create(stream, WriterSettings);
        writer.WriteStartDocument(standalone: true);
        writer.WriteStartElement("Relationships", RelationshipsNs);
        foreach (var (id, type, target) in relationships)
        {
            writer.WriteStartElement("Relationship", RelationshipsNs);
            writer.WriteAttributeString("Id", id);
            writer.WriteAttributeString("Type", type);
            writer.WriteAttributeString("Target", target);
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
    }

    private static void WriteContentTypes(ZipArchive package, IEnumerable<(string Part, string ContentType)> parts, IEnumerable<string> media)
    {
        const string ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        using var stream = NewEntry(package, "[Content_Types].xml");
        using var writer = XmlWriter.Create(stream, WriterSettings);
        writer.WriteStartDocument(standalone: true);
        writer.WriteStartElement("Types", ns);
        var defaults = new List<(string, string)> { ("rels", "application/vnd.openxmlformats-package.relationships+xml"), ("xml", "application/xml") };
        if (media.Any(m => m.EndsWith(".png", StringComparison.Ordinal)))
        {
            defaults.Add(("png", "image/png"));
        }
        if (media.Any(m => m.EndsWith(".jpg", StringComparison.Ordinal)))
        {
            defaults.Add(("jpg", "image/jpeg"));
        }
        foreach (var (extension, type) in defaults)
        {
            writer.WriteStartElement("Default", ns);
            writer.WriteAttributeString("Extension", extension);
            writer.WriteAttributeString("ContentType", type);
            writer.WriteEndElement();
        }
        foreach (var (part, type) in parts.Prepend(("word/document.xml", WordContentType + "document.main+xml")))
        {
            writer.WriteStartElement("Override", ns);
            writer.WriteAttributeString("PartName", "/" + part);
            writer.WriteAttributeString("ContentType", type);
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
    }
}
