using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PingYi.Web.Tests.Evaluation;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// Memory is measured as the bytes the whole process allocates during one request, so these classes run alone
/// (after the parallel ones): nothing else allocates meanwhile but the app's idle timers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}

/// <summary>
/// "Protect the whistleblower, second pass", items 2 and 5: a small upload that inflates to gigabytes is refused
/// with a clear Chinese 400 while the server allocates less than 100 MB; a zip that lies about its sizes is refused;
/// every spreadsheet import refuses a sheet of a million rows the same way.
/// </summary>
public abstract class UploadBombTests(AppFixture fixture)
{
    private const long MemoryBudget = 100L * 1024 * 1024;
    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task A_docx_whose_body_inflates_to_150_MB_is_refused_quickly_within_the_memory_budget()
    {
        var bomb = EvidenceFiles.DocxBomb(150L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb should be small ({bomb.Length} bytes)");
        var clock = Stopwatch.StartNew();
        var (response, allocated) = await MeasureAsync(() =>
            EvidenceAllowListTests.PostComplaintAsync(_api.Anonymous, StaffApi.Complaint(Token("压缩炸弹")), [("情况.docx", bomb, DocxType)]));
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("附件超出处理限制", problem["title"]!.GetValue<string>());
        Assert.Contains("解压后", Errors(problem, "attachments").Single());
        Assert.True(allocated < MemoryBudget, $"the request allocated {allocated / 1024 / 1024} MB");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the request took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_docx_that_lies_about_its_sizes_is_refused()
    {
        var response = await EvidenceAllowListTests.PostComplaintAsync(_api.Anonymous, StaffApi.Complaint(Token("大小不符")),
            [("情况.docx", EvidenceFiles.DocxThatLiesAboutItsSize(), DocxType)]);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("附件超出处理限制", problem["title"]!.GetValue<string>());
        Assert.Contains("声明的大小与实际内容不符", Errors(problem, "attachments").Single());
    }

    [Fact]
    public async Task Every_spreadsheet_import_refuses_a_sheet_of_a_million_rows_within_the_memory_budget()
    {
        var sheet = MillionRowSheet(["单位代码", "总体评价"], "jyt");
        Assert.True(sheet.Length < 1024 * 1024, $"the sheet should be small ({sheet.Length} bytes)");
        var imports = new (string Email, string Path)[]
        {
            (EvaluationApiTests.Deputies, "/api/v1/evaluations/2020/ratings/import"),
            (Admin, "/api/v1/admin/units/import"),
            (Supervisor, "/api/v1/evaluations/2019/prior-ranks"),
        };
        foreach (var (email, path) in imports)
        {
            var client = await _api.AsAsync(email);
            var (response, allocated) = await MeasureAsync(async () =>
            {
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(sheet);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
                form.Add(file, "file", "导入.xlsx");
                return await client.PostAsync(path, form);
            });
            var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("表格过大", problem["title"]!.GetValue<string>());
            Assert.Contains("一次最多导入 2000 行", Errors(problem, "file").Single());
            Assert.True(allocated < MemoryBudget, $"{path} allocated {allocated / 1024 / 1024} MB");
        }
    }

    private static async Task<(HttpResponseMessage Response, long Allocated)> MeasureAsync(Func<Task<HttpResponseMessage>> request)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await request();
        await response.Content.LoadIntoBufferAsync();
        return (response, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    /// <summary>An xlsx of a header and a million one-cell rows: about 50 MB of sheet XML in well under 1 MB.</summary>
    public static byte[] MillionRowSheet(string[] headers, string value)
    {
        const string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        const string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string xml)
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                w.Write(xml);
            }
            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Add("_rels/.rels", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add("xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add("xl/_rels/workbook.xml.rels", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            using var sheet = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open(), new UTF8Encoding(false));
            sheet.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}"><sheetData><row r="1">""");
            for (var i = 0; i < headers.Length; i++)
            {
                sheet.Write($"""<c r="{(char)('A' + i)}1" t="inlineStr"><is><t>{headers[i]}</t></is></c>""");
            }
            sheet.Write("</row>");
            var row = $"""<row><c t="inlineStr"><is><t>{value}</t></is></c></row>""";
            for (var i = 0; i < 1_000_000; i++)
            {
                sheet.Write(row);
            }
            sheet.Write("</sheetData></worksheet>");
        }
        return output.ToArray();
    }
}

[Collection(MeasuredAlone.Name)]
public sealed class SqliteUploadBombTests(SqliteApp fixture) : UploadBombTests(fixture), IClassFixture<SqliteApp>;

[Collection(MeasuredAlone.Name)]
public sealed class PostgresUploadBombTests(PostgresApp fixture) : UploadBombTests(fixture), IClassFixture<PostgresApp>;
