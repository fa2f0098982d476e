using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Evidence files built the way real tools write them, with a marker in every place that has named a
/// complainant: a Word document's relationships (the Windows user folder of hyperlinks, linked pictures and the
/// attached template), customXml, docVars, rsids, docProps and field instructions; a PDF's page PieceInfo,
/// LastModified, and the XMP of the document, of an image and of a form XObject. And the attacks on the cleaner:
/// a zip bomb and a zip that lies about its sizes.
/// </summary>
public static class EvidenceFiles
{
    public const string BodyText = "窗口工作人员多次推诿。";

    /// <summary>Every string that must not reach the unit, in every file here.</summary>
    public static readonly string[] Markers =
    [
        "ouyangqh", "13912345678", "DOCVARMARK", "00C0FFEE", "CREATORMARK", "CUSTOMPROPMARK", "APPCOMPANYMARK",
        "PIECEMARK", "LASTMODMARK", "DOCXMPMARK", "IMAGEXMPMARK", "FORMXMPMARK", "FORMPIECEMARK", "Ouyang Qinghe", "欧阳青禾",
    ];

    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string Rels = "http://schemas.openxmlformats.org/package/2006/relationships";

    public static byte[] Png()
    {
        using var image = new Image<Rgba32>(4, 3, new Rgba32(10, 120, 200));
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    public static byte[] MarkedDocx()
    {
        var parts = new Dictionary<string, object>
        {
            ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/><Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>""",
            ["_rels/.rels"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{Rels}"><Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{R}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="{R}/custom-properties" Target="docProps/custom.xml"/></Relationships>""",
            ["word/_rels/document.xml.rels"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{Rels}"><Relationship Id="rId1" Type="{R}/styles" Target="styles.xml"/><Relationship Id="rId2" Type="{R}/settings" Target="settings.xml"/><Relationship Id="rId3" Type="{R}/hyperlink" Target="file:///C:/Users/ouyangqh/Desktop/%E7%8E%B0%E5%9C%BA.docx" TargetMode="External"/><Relationship Id="rId4" Type="{R}/image" Target="file:///C:/Users/ouyangqh/Pictures/linked.png" TargetMode="External"/><Relationship Id="rId5" Type="{R}/image" Target="media/image1.png"/><Relationship Id="rId6" Type="{R}/customXml" Target="../customXml/item1.xml"/></Relationships>""",
            ["word/_rels/settings.xml.rels"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{Rels}"><Relationship Id="rId1" Type="{R}/attachedTemplate" Target="file:///C:/Users/ouyangqh/AppData/Roaming/Microsoft/Templates/Normal.dotm" TargetMode="External"/></Relationships>""",
            ["word/document.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body><w:p w:rsidR="00C0FFEE" w:rsidRDefault="00C0FFEE"><w:r w:rsidRPr="00C0FFEE"><w:t>{BodyText}</w:t></w:r><w:hyperlink r:id="rId3"><w:r><w:t>现场材料</w:t></w:r></w:hyperlink><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "C:\\Users\\ouyangqh\\Desktop\\photo.jpg" \d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="1" name="图片 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rId5" r:link="rId4"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p><w:sectPr w:rsidR="00C0FFEE"><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>""",
            ["word/styles.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>""",
            ["word/settings.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}" xmlns:r="{R}"><w:attachedTemplate r:id="rId1"/><w:docVars><w:docVar w:name="owner" w:val="DOCVARMARK ouyangqh"/></w:docVars><w:rsids><w:rsidRoot w:val="00C0FFEE"/><w:rsid w:val="00C0FFEE"/></w:rsids></w:settings>""",
            ["word/media/image1.png"] = Png(),
            ["customXml/item1.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties"><documentManagement><Owner>欧阳青禾</Owner><Phone>13912345678</Phone></documentManagement></p:properties>""",
            ["customXml/itemProps1.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem ds:itemID="{6F1E0E39-0000-4C53-8E20-13912345678A}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>""",
            ["customXml/_rels/item1.xml.rels"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{Rels}"><Relationship Id="rId1" Type="{R}/customXmlProps" Target="itemProps1.xml"/></Relationships>""",
            ["docProps/core.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>CREATORMARK</dc:creator></cp:coreProperties>""",
            ["docProps/app.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>APPCOMPANYMARK</Company></Properties>""",
            ["docProps/custom.xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Phone"><vt:lpwstr>CUSTOMPROPMARK</vt:lpwstr></property></Properties>""",
        };
        var bytes = Zip(parts);
        foreach (var marker in new[] { "ouyangqh", "13912345678", "DOCVARMARK", "00C0FFEE", "CREATORMARK" })
        {
            Assert.True(Unpacked(bytes).Any(p => Contains(p, marker)), $"the test document should carry {marker}");
        }
        return bytes;
    }

    public static byte[] MarkedPdf()
    {
        var xmp = (string mark) => $"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description dc:creator=\"{mark}\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"/></rdf:RDF></x:xmpmeta>";
        const string content = "BT /F1 12 Tf 50 700 Td (Evidence page) Tj ET q 10 0 0 10 50 50 cm /Im1 Do Q /Fm1 Do";
        const string form = "0 0 m 10 10 l S";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R /Metadata 9 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 5 0 R /Fm1 6 0 R >> >> /Contents 7 0 R"
                + " /PieceInfo << /MarkerApp << /LastModified (D:20261120090000) /Private << /Owner (PIECEMARK C:\\\\Users\\\\ouyangqh) >> >> >> /LastModified (LASTMODMARK) >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Metadata 8 0 R /Length 1 >>\nstream\n\u0080\nendstream",
            $"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Metadata 10 0 R /PieceInfo << /X << /Private (FORMPIECEMARK) >> >> /Length {form.Length} >>\nstream\n{form}\nendstream",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            Stream("<< /Type /Metadata /Subtype /XML", xmp("IMAGEXMPMARK")),
            Stream("<< /Type /Metadata /Subtype /XML", xmp("DOCXMPMARK")),
            Stream("<< /Type /Metadata /Subtype /XML", xmp("FORMXMPMARK")),
            "<< /Author (Ouyang Qinghe) /Creator (ouyangqh) >>",
        };
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R /Info {objects.Length} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());

        static string Stream(string dictionary, string data) => $"{dictionary} /Length {data.Length} >>\nstream\n{data}\nendstream";
    }

    /// <summary>A small DOCX whose body inflates to <paramref name="bodyBytes"/> bytes of <c>&lt;a/&gt;</c>.</summary>
    public static byte[] DocxBomb(long bodyBytes)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""));
            using var body = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            var head = Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>""");
            body.Write(head);
            var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<a/>", 16 * 1024)));
            for (long written = head.Length; written < bodyBytes; written += chunk.Length)
            {
                body.Write(chunk);
            }
            body.Write(Encoding.UTF8.GetBytes("</w:body></w:document>"));
        }
        return output.ToArray();
    }

    /// <summary>
    /// A valid DOCX whose word/document.xml says (in its local header and in the central directory) that it
    /// inflates to 1,000 bytes, while it inflates to about 2 MB — under every cap, so only the lie can refuse it.
    /// </summary>
    public static byte[] DocxThatLiesAboutItsSize()
    {
        var body = $"""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{string.Concat(Enumerable.Repeat("推诿", 350_000))}</w:t></w:r></w:p></w:body></w:document>""";
        var bytes = Zip(new Dictionary<string, object>
        {
            ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""",
            ["word/document.xml"] = body,
        });
        var name = Encoding.ASCII.GetBytes("word/document.xml");
        var patched = 0;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04
                && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 22, 4), 1000u);
                patched++;
            }
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02
                && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24, 4), 1000u);
                patched++;
            }
        }
        Assert.Equal(2, patched);
        using var check = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal(1000, check.GetEntry("word/document.xml")!.Length);
        return bytes;
    }

    public static byte[] Zip(IReadOnlyDictionary<string, object> parts)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in parts)
            {
                Write(zip, name, content as byte[] ?? new UTF8Encoding(false).GetBytes((string)content));
            }
        }
        return output.ToArray();
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(bytes);
    }

    /// <summary>The file's bytes and, for a zip package, every entry unpacked.</summary>
    public static IEnumerable<byte[]> Unpacked(byte[] bytes)
    {
        yield return bytes;
        if (bytes.Length > 4 && bytes[0] == 0x50 && bytes[1] == 0x4B)
        {
            using var zip = new ZipArchive(new MemoryStream(bytes));
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                yield return m.ToArray();
                yield return Encoding.UTF8.GetBytes(entry.FullName);
            }
        }
    }

    public static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.BigEndianUnicode.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
