using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Web.Tests.Infrastructure;
using UglyToad.PdfPig;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// "Protect the whistleblower, second pass", item 1: the evidence cleaner is an allow-list. An anonymous DOCX and
/// PDF with a marker in each private place (see <see cref="EvidenceFiles"/>) reach the unit's handler without any
/// marker in any byte they can download; files stored before the fix are cleaned by <c>reclean-evidence</c>.
/// </summary>
public abstract class EvidenceAllowListTests(AppFixture fixture)
{
    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private static readonly string JytHandler = Handler("jyt");
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task No_marker_of_a_docx_or_pdf_reaches_the_handler()
    {
        var number = await LodgeAsync(StaffApi.Complaint(Token("白名单清理")),
            [("说明.docx", EvidenceFiles.MarkedDocx(), DocxType), ("材料.pdf", EvidenceFiles.MarkedPdf(), "application/pdf")]);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var listed = (await _api.StaffViewAsync(JytHandler, number))["attachments"]!.AsArray();
        Assert.Equal(2, listed.Count);

        var docx = await DownloadAsync(number, listed[0]!["id"]!.GetValue<string>());
        var pdf = await DownloadAsync(number, listed[1]!["id"]!.GetValue<string>());
        AssertNoMarker(docx, "the DOCX");
        AssertNoMarker(pdf, "the PDF");
        AssertStillADocument(docx);
        using var read = PdfDocument.Open(pdf);
        Assert.Equal(1, read.NumberOfPages);
        Assert.Contains("Evidence", read.GetPage(1).Text);
        Assert.Single(read.GetPage(1).GetImages());
    }

    [Fact]
    public async Task Files_stored_before_the_fix_are_cleaned_by_the_reclean_job_and_only_once()
    {
        var number = await LodgeAsync(StaffApi.Complaint(Token("旧文件重新清理")), [("现场.pdf", EvidenceFiles.MarkedPdf(), "application/pdf")]);
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        // As the old cleaner stored them: the marked files themselves (it kept every one of these markers).
        string docxId, pdfId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var complaintId = await db.Complaints.Where(c => c.TrackingNumber == number).Select(c => c.Id).SingleAsync();
            var uploaded = await db.Attachments.Where(a => a.ComplaintId == complaintId).Select(a => a.UploadedAtUtc).FirstAsync();
            var docx = new Attachment(complaintId, null, 2, new InspectedFile("旧说明.docx", FileInspector.Docx, EvidenceFiles.MarkedDocx()), uploaded);
            var pdf = new Attachment(complaintId, null, 3, new InspectedFile("旧材料.pdf", FileInspector.Pdf, EvidenceFiles.MarkedPdf()), uploaded);
            db.Attachments.AddRange(docx, pdf);
            await db.SaveChangesAsync();
            (docxId, pdfId) = (docx.PublicId, pdf.PublicId);
        }
        Assert.Contains(EvidenceFiles.Unpacked(await DownloadAsync(number, docxId)), p => EvidenceFiles.Contains(p, "ouyangqh"));

        var admin = await _api.AsAsync(Admin);
        var run = JsonNode.Parse(await ExpectAsync(await admin.PostAsync("/api/v1/admin/jobs/reclean-evidence/run", Json(new JsonObject())), HttpStatusCode.OK))!;
        Assert.True(run["result"]!["recleaned"]!.GetValue<int>() >= 2, run.ToJsonString());
        var docxAfter = await DownloadAsync(number, docxId);
        var pdfAfter = await DownloadAsync(number, pdfId);
        AssertNoMarker(docxAfter, "the re-cleaned DOCX");
        AssertNoMarker(pdfAfter, "the re-cleaned PDF");
        AssertStillADocument(docxAfter);

        // What it wrote is recognised as clean: a second run leaves both files as they are.
        await ExpectAsync(await admin.PostAsync("/api/v1/admin/jobs/reclean-evidence/run", Json(new JsonObject())), HttpStatusCode.OK);
        Assert.Equal(docxAfter, await DownloadAsync(number, docxId));
        Assert.Equal(pdfAfter, await DownloadAsync(number, pdfId));
        await ExpectProblemAsync(await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/admin/jobs/reclean-evidence/run", Json(new JsonObject())), HttpStatusCode.Forbidden);
    }

    private static void AssertNoMarker(byte[] file, string what)
    {
        foreach (var part in EvidenceFiles.Unpacked(file))
        {
            foreach (var marker in EvidenceFiles.Markers)
            {
                Assert.False(EvidenceFiles.Contains(part, marker), $"{what} still carries “{marker}”");
            }
        }
    }

    /// <summary>Only allow-listed parts, every relationship pointing inside the package, the body text and the picture kept.</summary>
    private static void AssertStillADocument(byte[] docx)
    {
        using var zip = new ZipArchive(new MemoryStream(docx));
        var names = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/media/image1.png", "word/styles.xml"], names);
        XDocument Part(string name)
        {
            using var s = zip.GetEntry(name)!.Open();
            return XDocument.Load(s);
        }
        var relationships = Part("word/_rels/document.xml.rels").Root!.Elements().ToList();
        Assert.All(relationships, r => Assert.Null(r.Attribute("TargetMode")));
        Assert.All(relationships, r => Assert.NotNull(zip.GetEntry("word/" + r.Attribute("Target")!.Value)));
        var document = Part("word/document.xml");
        Assert.Contains(EvidenceFiles.BodyText, document.Root!.Value);
        XNamespace rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var references = document.Descendants().Attributes().Where(a => a.Name.Namespace == rel).Select(a => a.Value).ToList();
        Assert.Equal(["rId5"], references);
        Assert.Contains(relationships, r => r.Attribute("Id")!.Value == "rId5" && r.Attribute("Target")!.Value == "media/image1.png");
        var types = Part("[Content_Types].xml").ToString();
        Assert.Contains("/word/document.xml", types);
        Assert.Contains("image/png", types);
    }

    private async Task<byte[]> DownloadAsync(string number, string id)
    {
        var response = await _api.GetAsync(JytHandler, $"/api/v1/complaints/{number}/attachments/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<string> LodgeAsync(JsonObject body, IEnumerable<(string Name, byte[] Bytes, string Type)> files) =>
        JsonNode.Parse(await ExpectAsync(await PostComplaintAsync(_api.Anonymous, body, files), HttpStatusCode.Created))!["trackingNumber"]!.GetValue<string>();

    /// <summary>The complaint as a multipart form with its files, as the intake page's API clients send it.</summary>
    public static async Task<HttpResponseMessage> PostComplaintAsync(HttpClient client, JsonObject body, IEnumerable<(string Name, byte[] Bytes, string Type)> files)
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
        return await client.PostAsync("/api/v1/complaints", form);
    }
}

public sealed class SqliteEvidenceAllowListTests(SqliteApp fixture) : EvidenceAllowListTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresEvidenceAllowListTests(PostgresApp fixture) : EvidenceAllowListTests(fixture), IClassFixture<PostgresApp>;
