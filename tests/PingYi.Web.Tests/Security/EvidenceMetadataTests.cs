using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Finding 1: evidence files must not name the complainant to the unit that reads them — neither through the
/// file name nor through metadata inside the file (EXIF author and GPS, a Word document's creator, a PDF's Author).
/// </summary>
public abstract class EvidenceMetadataTests(AppFixture fixture)
{
    // ASCII and Chinese forms: EXIF and PDF strings are often ASCII, Word's XML is UTF-8.
    private const string Author = "Ouyang Qinghe";
    private const string ChineseAuthor = "欧阳青禾";
    private const string Serial = "CAMSN778899";
    private static readonly string JytHandler = Handler("jyt");

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    public static byte[] JpegWithExif()
    {
        using var image = new Image<Rgba32>(32, 24, new Rgba32(200, 30, 30));
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Artist, Author);
        exif.SetValue(ExifTag.SerialNumber, Serial);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(43, 1), new Rational(53, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(125, 1), new Rational(19, 1), new Rational(5678, 100)]);
        image.Metadata.ExifProfile = exif;
        using var output = new MemoryStream();
        image.SaveAsJpeg(output);
        var bytes = output.ToArray();
        Assert.True(Contains(bytes, Author), "the test photo should carry its EXIF author");
        return bytes;
    }

    public static byte[] DocxByChineseAuthor()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string xml)
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                w.Write(xml);
            }
            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>""");
            Add("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>""");
            Add("word/_rels/document.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>""");
            Add("word/document.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>窗口工作人员多次推诿。</w:t></w:r><w:ins w:id="1" w:author="{ChineseAuthor}" w:date="2026-11-20T09:00:00Z"><w:r><w:t>补充一句。</w:t></w:r></w:ins></w:p></w:body></w:document>""");
            Add("word/comments.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="{ChineseAuthor}" w:initials="OY"><w:p><w:r><w:t>批注</w:t></w:r></w:p></w:comment></w:comments>""");
            Add("docProps/core.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{ChineseAuthor}</dc:creator><cp:lastModifiedBy>{ChineseAuthor}</cp:lastModifiedBy></cp:coreProperties>""");
            Add("docProps/app.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>{ChineseAuthor}工作室</Company></Properties>""");
        }
        return output.ToArray();
    }

    public static byte[] PdfWithAuthor()
    {
        using var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Author = Author;
        builder.DocumentInformation.Creator = Author;
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText("Evidence page", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);
        var bytes = builder.Build();
        Assert.True(Contains(bytes, Author), "the test PDF should carry its Author");
        return bytes;
    }

    [Fact]
    public async Task A_handler_gets_neither_file_names_nor_metadata_that_name_the_complainant()
    {
        var files = new[]
        {
            ($"{ChineseAuthor}拍摄的现场.jpg", JpegWithExif(), "image/jpeg"),
            ($"{ChineseAuthor}的情况说明.docx", DocxByChineseAuthor(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ($"{ChineseAuthor}-材料.pdf", PdfWithAuthor(), "application/pdf"),
        };
        var number = await LodgeAsync(Named(Complaint("证据元数据测试"), Complainant.Distinct()), files);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });

        var handlerView = await _api.StaffViewAsync(JytHandler, number);
        var listed = handlerView["attachments"]!.AsArray();
        Assert.Equal(["证据1.jpg", "证据2.docx", "证据3.pdf"], listed.Select(a => a!["fileName"]!.GetValue<string>()));
        Assert.DoesNotContain(ChineseAuthor, Readable(handlerView));
        Assert.DoesNotContain(Author, Readable(handlerView));

        var handler = await _api.AsAsync(JytHandler);
        foreach (var a in listed)
        {
            var response = await handler.GetAsync($"/api/v1/complaints/{number}/attachments/{a!["id"]}");
            var bytes = await ExpectBytesAsync(response);
            var headers = response.Headers.ToString() + response.Content.Headers;
            Assert.DoesNotContain(ChineseAuthor, Uri.UnescapeDataString(headers));
            Assert.Contains(Uri.EscapeDataString(a["fileName"]!.GetValue<string>()), headers);
            foreach (var text in Texts(bytes))
            {
                Assert.False(Contains(text, Author) || Contains(text, ChineseAuthor) || Contains(text, Serial),
                    $"{a["fileName"]} still names the complainant");
            }
        }

        // The photo is still a photo, with no EXIF at all (no GPS position); the PDF still opens, without an Author.
        using (var image = Image.Load(await ExpectBytesAsync(await handler.GetAsync($"/api/v1/complaints/{number}/attachments/{listed[0]!["id"]}"))))
        {
            Assert.Equal(32, image.Width);
            Assert.Null(image.Metadata.ExifProfile);
        }
        using (var pdf = PdfDocument.Open(await ExpectBytesAsync(await handler.GetAsync($"/api/v1/complaints/{number}/attachments/{listed[2]!["id"]}"))))
        {
            Assert.Equal(1, pdf.NumberOfPages);
            Assert.Null(pdf.Information.Author);
            Assert.Contains("Evidence", pdf.GetPage(1).Text);
        }

        // Supervisors see the names the complainant gave.
        var supervisorView = await _api.StaffViewAsync(Supervisor, number);
        Assert.Equal(files.Select(f => f.Item1), supervisorView["attachments"]!.AsArray().Select(a => a!["originalFileName"]!.GetValue<string>()));
        var download = await _api.GetAsync(Supervisor, $"/api/v1/complaints/{number}/attachments/{listed[0]!["id"]}");
        Assert.Equal(files[0].Item1, download.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task A_handler_gets_the_same_for_a_named_and_an_anonymous_case_apart_from_the_tracking_number()
    {
        var title = Token("身份比较");
        var who = Complainant.Distinct();
        var named = await LodgeAsync(Named(Complaint(title), who), [($"{who.Name}手机拍摄.jpg", JpegWithExif(), "image/jpeg")]);
        var anonymous = await LodgeAsync(Complaint(title), [("IMG_0001.jpg", JpegWithExif(), "image/jpeg")]);
        await _api.DoAsync(Supervisor, named, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(Supervisor, anonymous, "assign", new { unitCode = "jyt" });

        var namedView = await _api.StaffViewAsync(JytHandler, named);
        var anonymousView = await _api.StaffViewAsync(JytHandler, anonymous);
        var namedFile = await DownloadAsync(named, namedView);
        var anonymousFile = await DownloadAsync(anonymous, anonymousView);

        who.AssertAbsentFrom(namedView.ToJsonString(), "the handler's view");
        Assert.Equal(Normalise(anonymousView, anonymous), Normalise(namedView, named));
        Assert.Equal(anonymousFile.Bytes, namedFile.Bytes);
        Assert.Equal(anonymousFile.Disposition, namedFile.Disposition);
    }

    /// <summary>The view as JSON with the tracking number and the attachment ids (database row numbers) blanked.</summary>
    private static string Normalise(JsonObject view, string number)
    {
        var copy = JsonNode.Parse(view.ToJsonString())!.AsObject();
        foreach (var a in copy["attachments"]!.AsArray())
        {
            a!["id"] = 0;
        }
        return Readable(copy).Replace(number, "NUMBER", StringComparison.Ordinal);
    }

    private async Task<(byte[] Bytes, string? Disposition)> DownloadAsync(string number, JsonObject view)
    {
        var id = view["attachments"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var response = await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}/attachments/{id}");
        return (await ExpectBytesAsync(response), response.Content.Headers.ContentDisposition?.ToString());
    }

    private static async Task<byte[]> ExpectBytesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The file's bytes and, for a ZIP package, every entry unpacked (a name inside deflated XML is not visible in the raw bytes).</summary>
    private static IEnumerable<byte[]> Texts(byte[] bytes)
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
            }
        }
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.BigEndianUnicode.GetBytes(needle)) >= 0;

    private async Task<string> LodgeAsync(JsonObject body, IEnumerable<(string Name, byte[] Bytes, string Type)> files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in body)
        {
            if (v is JsonObject nested)
            {
                foreach (var (nk, nv) in nested)
                {
                    form.Add(new StringContent(nv!.ToString()), $"{k}.{nk}");
                }
            }
            else
            {
                form.Add(new StringContent(v!.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? v.ToJsonString() : v.ToString()), k);
            }
        }
        foreach (var (name, bytes, type) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, "attachments", name);
        }
        var response = await _api.Anonymous.PostAsync("/api/v1/complaints", form);
        var json = JsonNode.Parse(await ExpectAsync(response, HttpStatusCode.Created))!;
        return json["trackingNumber"]!.GetValue<string>();
    }
}

public sealed class SqliteEvidenceMetadataTests(SqliteApp fixture) : EvidenceMetadataTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvidenceMetadataTests(PostgresApp fixture) : EvidenceMetadataTests(fixture), IClassFixture<PostgresApp>;
