using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>The xlsx round trip: template → filled like a paper form → imported; one bad row imports nothing and says which row and why.</summary>
public abstract class RatingSpreadsheetTests(AppFixture fixture)
{
    private const string Deputies = EvaluationApiTests.Deputies;
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<List<Dictionary<string, object?>>> TemplateAsync(string email)
    {
        var response = await _api.GetAsync(email, "/api/v1/evaluations/2020/ratings/template");
        await ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new MemoryStream(bytes).Query(useHeaderRow: true)
            .Select(r => ((IDictionary<string, object?>)r).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
    }

    private async Task<HttpResponseMessage> ImportAsync(string email, IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows.ToList());
        return await ImportBytesAsync(email, stream.ToArray());
    }

    private async Task<HttpResponseMessage> ImportBytesAsync(string email, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(file, "file", "评议表.xlsx");
        return await (await _api.AsAsync(email)).PostAsync("/api/v1/evaluations/2020/ratings/import", form);
    }

    private async Task<int> CountAsync(string unit) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, $"/api/v1/evaluations/2020/inputs?unit={unit}"), HttpStatusCode.OK))!["sources"]!["deputies"]!["count"]!.GetValue<int>();

    private static void Fill(Dictionary<string, object?> row, string rating)
    {
        row["总体评价"] = rating;
        row["评议表编号"] = Token("纸表");
        row["评价意见"] = "纸质评议表录入";
        row["形式主义、官僚主义问题整治情况"] = "满意";
        row["贯彻落实中央八项规定精神和省委具体规定情况"] = "basically-satisfied";
        row["新冠肺炎疫情防控中担当作为情况"] = "满意";
        row["机关纪律作风建设情况"] = "不满意";
    }

    [Fact]
    public async Task A_filled_template_imports_every_filled_row_and_skips_blank_ones()
    {
        var rows = await TemplateAsync(Deputies);
        Assert.Contains(rows, r => (string?)r["单位代码"] == "jyt" && (string?)r["单位名称"] == "省教育厅");
        var before = (await CountAsync("czt"), await CountAsync("mzt"), await CountAsync("jtt"));
        Fill(rows.Single(r => (string?)r["单位代码"] == "czt"), "满意");
        Fill(rows.Single(r => (string?)r["单位代码"] == "mzt"), "基本满意");
        var imported = JsonNode.Parse(await ExpectAsync(await ImportAsync(Deputies, rows), HttpStatusCode.OK))!;
        Assert.Equal(2, imported["imported"]!.GetValue<int>());
        Assert.Equal((before.Item1 + 1, before.Item2 + 1, before.Item3), (await CountAsync("czt"), await CountAsync("mzt"), await CountAsync("jtt")));
        var mzt = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/inputs?unit=mzt"), HttpStatusCode.OK))!["sources"]!["deputies"]!["responses"]!.AsArray().Last()!;
        Assert.Equal("basically-satisfied", mzt["rating"]!.GetValue<string>());
        Assert.Equal("spreadsheet", mzt["channel"]!.GetValue<string>());
        Assert.Equal("dissatisfied", mzt["answers"]!["discipline"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_bad_row_imports_nothing_and_names_the_row_in_Chinese()
    {
        var rows = await TemplateAsync(Deputies);
        var before = (await CountAsync("jtt"), await CountAsync("wjw"));
        var good = rows.Single(r => (string?)r["单位代码"] == "jtt");
        Fill(good, "满意");
        var bad = rows.Single(r => (string?)r["单位代码"] == "wjw");
        Fill(bad, "很好");
        bad["机关纪律作风建设情况"] = null;
        var badIndex = rows.IndexOf(bad) + 2;
        var problem = await ExpectProblemAsync(await ImportAsync(Deputies, rows), HttpStatusCode.BadRequest);
        var messages = Errors(problem, $"rows[{badIndex}]");
        Assert.Contains(messages, m => m.StartsWith($"第 {badIndex} 行（总体评价）", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("机关纪律作风建设情况", StringComparison.Ordinal));
        Assert.Single(problem["errors"]!.AsObject());
        Assert.Equal(before, (await CountAsync("jtt"), await CountAsync("wjw")));

        // An unknown unit code is a bad row too.
        var unknown = new Dictionary<string, object?>(good) { ["单位代码"] = "nosuch" };
        var p2 = await ExpectProblemAsync(await ImportAsync(Deputies, [good, unknown]), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(p2, "rows[3]")[0]));
        Assert.Equal(before, (await CountAsync("jtt"), await CountAsync("wjw")));
    }

    [Fact]
    public async Task Liaison_templates_hold_only_assigned_units_and_other_files_and_roles_are_refused()
    {
        var liaison = await TemplateAsync(EvaluationApiTests.Liaison);
        Assert.Equal(["gat", "jyt", "mzt", "tzb", "xcb", "zfw"], liaison.Select(r => (string)r["单位代码"]!).Order());
        // A liaison sheet edited to rate an unassigned unit is refused by row.
        var row = liaison[0];
        row["单位代码"] = "fgw";
        row["总体评价"] = "满意";
        row["评议表编号"] = Token("纸表");
        row["形式主义、官僚主义问题整治情况"] = "满意";
        row["机关纪律作风建设情况"] = "满意";
        var problem = await ExpectProblemAsync(await ImportAsync(EvaluationApiTests.Liaison, [row]), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(problem, "rows[2]")[0]));

        await ExpectProblemAsync(await ImportBytesAsync(Deputies, TestData.Pdf), HttpStatusCode.UnsupportedMediaType);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/ratings/template"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Evaluator, "/api/v1/evaluations/2020/ratings/template"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await ImportAsync(Inspector, [row]), HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteRatingSpreadsheetTests(SqliteApp fixture) : RatingSpreadsheetTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresRatingSpreadsheetTests(PostgresApp fixture) : RatingSpreadsheetTests(fixture), IClassFixture<PostgresApp>;
