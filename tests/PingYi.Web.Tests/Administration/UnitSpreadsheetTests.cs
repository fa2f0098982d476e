using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Administration;

/// <summary>Units in bulk: template → filled → imported → exported in the same format; one bad row imports nothing.</summary>
public abstract class UnitSpreadsheetTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task The_template_has_an_example_row_and_the_list_of_categories_and_the_example_is_never_imported()
    {
        var template = await DownloadAsync("/api/v1/admin/units/template");
        var sheets = MiniExcel.GetSheetNames(new MemoryStream(template));
        Assert.Equal(["参评单位", "填写示例", "类别", "填写说明"], sheets);
        var example = Assert.Single(MiniExcel.Query(new MemoryStream(template), useHeaderRow: true, sheetName: "填写示例").Cast<IDictionary<string, object>>());
        Assert.Equal("省示例厅", example["名称"]?.ToString());
        Assert.Equal("省政府工作部门", example["类别"]?.ToString());
        var categories = MiniExcel.Query(new MemoryStream(template), useHeaderRow: true, sheetName: "类别").Cast<IDictionary<string, object>>()
            .Select(r => r["代码"]?.ToString()).ToList();
        Assert.Equal(["party-mass", "government", "enterprise-institution", "central"], categories);
        // Uploaded as downloaded: only the first sheet is read, so the example never becomes a unit.
        await UploadAsync(template);
        Assert.DoesNotContain("example-dept", await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_filled_template_imports_and_exports_in_the_same_format()
    {
        var template = await DownloadAsync("/api/v1/admin/units/template");
        var headers = MiniExcel.Query(new MemoryStream(template), useHeaderRow: false).Cast<IDictionary<string, object>>().First().Values.Select(v => v?.ToString() ?? string.Empty).ToList();
        Assert.Equal(["代码", "名称", "类别", "职能简介", "监督电话", "联系邮箱", "驻省政务大厅", "评议渠道网址", "状态", "简称"], headers);

        var (a, b) = (AdminApi.NewCode(), AdminApi.NewCode());
        var filled = Sheet(
            Row(a, "省甲厅", "省政府工作部门", "负责甲。", "0431-88000001", "a1@example.cn;a2@example.cn", "是", "https://a.example.cn/pj", "在用", "甲厅、甲局"),
            Row(b, "省乙院", "enterprise-institution", "负责乙。", "0431-88000002", "", "否", "", "撤销", ""));
        var imported = JsonNode.Parse(await ExpectAsync(await UploadAsync(filled), HttpStatusCode.OK))!;
        Assert.Equal(2, imported["created"]!.GetValue<int>());

        var units = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        var ua = units.Single(u => u!["code"]!.GetValue<string>() == a)!;
        Assert.Equal("government", ua["category"]!.GetValue<string>());
        Assert.True(ua["serviceHall"]!.GetValue<bool>());
        Assert.Equal(["a1@example.cn", "a2@example.cn"], ua["contactEmails"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(["甲厅", "甲局"], ua["shortNames"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(units.Single(u => u!["code"]!.GetValue<string>() == b)!["active"]!.GetValue<bool>());

        // The export has the template's columns and the rows as filled in; uploading it again changes nothing.
        var export = await DownloadAsync("/api/v1/admin/units/export");
        var rows = MiniExcel.Query(new MemoryStream(export), useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(headers, rows[0].Keys.ToList());
        var ra = rows.Single(r => (string)r["代码"] == a);
        Assert.Equal(["省甲厅", "省政府工作部门", "负责甲。", "0431-88000001", "a1@example.cn;a2@example.cn", "是", "https://a.example.cn/pj", "在用", "甲厅、甲局"],
            headers.Skip(1).Select(h => ra[h]?.ToString()));
        Assert.Equal("撤销", rows.Single(r => (string)r["代码"] == b)["状态"]);
        Assert.Contains(rows, r => (string)r["代码"] == "jyt");
        var again = JsonNode.Parse(await ExpectAsync(await UploadAsync(export), HttpStatusCode.OK))!;
        Assert.Equal(0, again["created"]!.GetValue<int>());
        Assert.Equal(0, again["updated"]!.GetValue<int>());
        Assert.Equal(rows.Count, again["unchanged"]!.GetValue<int>());

        // An existing code's row changes that unit; a sheet without the 简称 column leaves the short names as they are.
        var renamed = Sheet(Row(a, "省甲厅（新）", "省政府工作部门", "负责甲。", "0431-88000001", "", "否", "", "在用"));
        Assert.Equal(1, JsonNode.Parse(await ExpectAsync(await UploadAsync(renamed), HttpStatusCode.OK))!["updated"]!.GetValue<int>());
        units = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK))!.AsArray();
        Assert.Equal(["甲厅", "甲局"], units.Single(u => u!["code"]!.GetValue<string>() == a)!["shortNames"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task A_file_with_one_bad_row_imports_nothing_and_names_the_row()
    {
        var (good, bad, dup) = (AdminApi.NewCode(), AdminApi.NewCode(), AdminApi.NewCode());
        var file = Sheet(
            Row(good, "好单位", "中直单位", "", "", "", "", "", ""),
            Row(bad, "坏单位", "部委", "", "", "bad-address", "也许", "", ""),
            Row(dup, "重复甲", "中直单位", "", "", "", "", "", ""),
            Row(dup, "重复乙", "中直单位", "", "", "", "", "", ""));
        var problem = await ExpectProblemAsync(await UploadAsync(file), HttpStatusCode.BadRequest);
        Assert.Contains("第 3 行", Errors(problem, "rows[3].category")[0]);
        Assert.Contains("第 3 行", Errors(problem, "rows[3].contactEmails")[0]);
        Assert.Contains("第 3 行", Errors(problem, "rows[3].serviceHall")[0]);
        Assert.Contains("第 4 行", Errors(problem, "rows[5].code")[0]);
        var units = await ExpectAsync(await _api.GetAsync(Admin, "/api/v1/admin/units"), HttpStatusCode.OK);
        Assert.DoesNotContain(good, units);
        Assert.DoesNotContain(dup, units);

        var notExcel = await ExpectProblemAsync(await UploadAsync("这不是表格"u8.ToArray()), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(notExcel, "file")[0]));
        var empty = await ExpectProblemAsync(await (await _api.AsAsync(Admin)).PostAsync("/api/v1/admin/units/import", new MultipartFormDataContent { { new StringContent("x"), "note" } }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(empty, "file")[0]));
    }

    /// <param name="shortNames">The 简称 column; null leaves the column out of the row.</param>
    private static Dictionary<string, object?> Row(string code, string name, string category, string duties, string phone, string emails, string hall, string url, string status,
        string? shortNames = null)
    {
        var row = new Dictionary<string, object?>
        {
            ["代码"] = code, ["名称"] = name, ["类别"] = category, ["职能简介"] = duties, ["监督电话"] = phone,
            ["联系邮箱"] = emails, ["驻省政务大厅"] = hall, ["评议渠道网址"] = url, ["状态"] = status,
        };
        if (shortNames is not null)
        {
            row["简称"] = shortNames;
        }
        return row;
    }

    private static byte[] Sheet(params Dictionary<string, object?>[] rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows);
        return stream.ToArray();
    }

    private async Task<byte[]> DownloadAsync(string path)
    {
        var response = await _api.GetAsync(Admin, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] file)
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(part, "file", "units.xlsx");
        return await (await _api.AsAsync(Admin)).PostAsync("/api/v1/admin/units/import", content);
    }
}

public sealed class SqliteUnitSpreadsheetTests(SqliteApp fixture) : UnitSpreadsheetTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresUnitSpreadsheetTests(PostgresApp fixture) : UnitSpreadsheetTests(fixture), IClassFixture<PostgresApp>;
