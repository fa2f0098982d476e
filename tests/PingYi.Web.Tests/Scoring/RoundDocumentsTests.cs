using System.Net;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Data;
using PingYi.Domain.Scoring;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Scoring;

/// <summary>
/// Issue 23 §4 on both databases: the approved result's fingerprint (rankings, breakdown, page), a unit's verification
/// file recomputed by the <c>verify</c> command to the same figures and fingerprint (and a tampered one refused), and
/// the 通报 and 反馈函 as DOCX, valid OpenXml read back. One app per class: the 2026 round is approved once.
/// </summary>
public abstract class RoundDocumentsTests(AppFixture fixture)
{
    private const string Deputies = "deputies@pingyi.local";
    private readonly StaffApi _api = StaffApi.For(fixture.App);
    private static readonly SemaphoreSlim Once = new(1, 1);

    private async Task<HttpResponseMessage> PostAsync(string email, string path, JsonNode body) =>
        await (await _api.AsAsync(email)).PostAsync(path, TestData.Json(body));

    private async Task RateAsync(string unit, string rating) =>
        await ExpectAsync(await PostAsync(Deputies, "/api/v1/evaluations/2026/ratings", new JsonObject
        {
            ["source"] = "deputies", ["unitCode"] = unit, ["rating"] = rating, ["formReference"] = Token("表"),
            ["answers"] = new JsonObject { ["formalism"] = rating, ["eight-point-rules"] = rating, ["epidemic-response"] = rating, ["discipline"] = rating },
        }), HttpStatusCode.Created);

    /// <summary>Opens the 2026 round, enters inputs of every kind (ratings, an inspection, deductions, a case), closes and approves it — once per app.</summary>
    private async Task<JsonObject> ApprovedAsync()
    {
        await Once.WaitAsync();
        try
        {
            var rounds = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations"), HttpStatusCode.OK))!.AsArray();
            if (!rounds.Any(r => r!["year"]!.GetValue<int>() == 2026 && r["status"]!.GetValue<string>() == "approved"))
            {
                await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/open", new JsonObject()), HttpStatusCode.OK);
                await _api.AssignedAsync(Token("指纹"), "gat");
                fixture.App.Time.Advance(TimeSpan.FromHours(1));
                await RateAsync("gat", "satisfied");
                await RateAsync("gat", "basically-satisfied");
                await RateAsync("xcb", "satisfied");
                await RateAsync("tzb", "dissatisfied");
                await RateAsync("zfw", "basically-satisfied");
                var inspection = JsonNode.Parse(await ExpectAsync(await PostAsync(Inspector, "/api/v1/evaluations/2026/inspections", new JsonObject
                {
                    ["unitCode"] = "gat", ["date"] = "2026-11-20", ["covert"] = true, ["rating"] = "satisfied",
                    ["findings"] = new JsonArray(new JsonObject { ["description"] = "窗口午间无人值守", ["severity"] = "minor" }),
                }), HttpStatusCode.Created))!["id"]!.GetValue<long>();
                // The deduction cites the inspection's finding: the round file's rule (one finding, one punishment) waives
                // the inspection's severity points, which the unit's part must say for its score to recompute.
                await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/deductions",
                    new JsonObject { ["unitCode"] = "gat", ["points"] = 1.5, ["reason"] = "台账不全", ["rule"] = "procedure", ["cites"] = "inspection", ["citesRef"] = inspection.ToString(System.Globalization.CultureInfo.InvariantCulture) }), HttpStatusCode.Created);
                await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/close", new JsonObject()), HttpStatusCode.OK);
                await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/approve", new JsonObject { ["confirmCoverage"] = true }), HttpStatusCode.OK);
            }
            return JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/rankings"), HttpStatusCode.OK))!.AsObject();
        }
        finally
        {
            Once.Release();
        }
    }

    private static JsonObject UnitOf(JsonObject rankings, string code) =>
        rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Single(u => u!["unitCode"]!.GetValue<string>() == code)!.AsObject();

    private async Task<JsonObject> VerificationFileAsync(string email, string unit)
    {
        var response = await _api.GetAsync(email, $"/api/v1/evaluations/2026/units/{unit}/verification.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Approval_stores_a_fingerprint_shown_in_the_rankings_the_breakdown_and_the_page_over_every_units_part()
    {
        var before = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/rankings"), HttpStatusCode.OK))!;
        Assert.Null(before["fingerprint"]);
        var rankings = await ApprovedAsync();
        var fingerprint = rankings["fingerprint"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", fingerprint);

        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/units/gat/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal(fingerprint, breakdown["roundFingerprint"]!.GetValue<string>());
        var unitFingerprint = breakdown["fingerprint"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", unitFingerprint);
        Assert.NotEqual(fingerprint, unitFingerprint);

        // The round's document: SHA-256 of its canonical bytes is the fingerprint, and it lists every unit's part by its fingerprint.
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
        var parts = await db.ResultSnapshotParts.AsNoTracking()
            .Where(p => db.ResultSnapshots.Any(s => s.Id == p.SnapshotId && s.Year == 2026)).ToListAsync();
        var round = parts.Single(p => p.UnitCode == ResultSnapshotPart.RoundCode);
        Assert.Equal(fingerprint, round.Fingerprint);
        Assert.Equal(fingerprint, CanonicalJson.Sha256(JsonNode.Parse(round.Canonical)));
        Assert.Equal(round.Canonical, CanonicalJson.Serialize(JsonNode.Parse(round.Canonical)));
        var listed = JsonNode.Parse(round.Canonical)!["units"]!.AsArray().ToDictionary(u => u!["unitCode"]!.GetValue<string>(), u => u!["fingerprint"]!.GetValue<string>());
        Assert.Equal(rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Select(u => u!["unitCode"]!.GetValue<string>()).Order(), listed.Keys.Order());
        Assert.Equal(unitFingerprint, listed["gat"]);
        foreach (var part in parts.Where(p => p.UnitCode != ResultSnapshotPart.RoundCode))
        {
            Assert.Equal(listed[part.UnitCode], CanonicalJson.Sha256(JsonNode.Parse(part.Canonical)));
        }

        var supervisor = await _api.NewSessionAsync(Supervisor);
        var page = await ExpectAsync(await supervisor.GetAsync("/staff/scoring/2026"), HttpStatusCode.OK);
        Assert.Contains(fingerprint, page);
        Assert.Contains("/api/v1/evaluations/2026/notice.docx", page);
        Assert.Contains("/api/v1/evaluations/2026/units/gat/feedback.docx", page);
    }

    [Fact]
    public async Task A_unit_downloads_its_inputs_and_the_verify_command_recomputes_the_same_score_and_fingerprint_and_refuses_a_tampered_input()
    {
        var rankings = await ApprovedAsync();
        var file = await VerificationFileAsync(Handler("gat"), "gat");
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/units/gat/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal(breakdown["fingerprint"]!.GetValue<string>(), file["fingerprint"]!.GetValue<string>());
        Assert.Equal(rankings["fingerprint"]!.GetValue<string>(), file["roundFingerprint"]!.GetValue<string>());

        // As the unit may see them: counts, no evaluator, no complainant, no text.
        var inputs = file["inputs"]!.AsObject();
        var text = inputs.ToJsonString();
        Assert.DoesNotContain("台账不全", text);
        Assert.DoesNotContain("窗口午间无人值守", text);
        Assert.DoesNotContain("@pingyi.local", text);
        Assert.DoesNotContain("ZTC-", text);
        Assert.Equal(1, inputs["ratings"]!["deputies"]!["satisfied"]!.GetValue<int>());
        Assert.Equal(1, inputs["channel"]!["tally"]!["handlingRounds"]!.GetValue<int>());

        // Recomputed from the file alone: the approved figures and the unit's fingerprint.
        var outcome = VerifyCommand.Check(file);
        Assert.True(outcome.Verified);
        Assert.Equal(UnitOf(rankings, "gat")["score"]!.GetValue<double>(), outcome.Recomputed.Score);
        Assert.Equal(file["fingerprint"]!.GetValue<string>(), outcome.Fingerprint);

        // One input changed (a rating count): another fingerprint, and the score no longer the approved one.
        var tampered = file.DeepClone().AsObject();
        tampered["inputs"]!["ratings"]!["deputies"]!["satisfied"] = 2;
        var refused = VerifyCommand.Check(tampered);
        Assert.False(refused.FingerprintMatches);
        Assert.False(refused.Verified);
        Assert.NotEqual(outcome.Fingerprint, refused.Fingerprint);

        // The documented command of the app, run as a process on the downloaded file and on the tampered one.
        var folder = Directory.CreateTempSubdirectory("pingyi-verify-").FullName;
        var path = Path.Combine(folder, "gat.json");
        await File.WriteAllTextAsync(path, file.ToJsonString(VerifyCommand.Indented));
        var (exit, output) = await AppProcess.RunUntilExitAsync([], "verify", path);
        Assert.True(exit == 0, output);
        Assert.Contains("核验通过", output);
        Assert.Contains(file["fingerprint"]!.GetValue<string>(), output);
        await File.WriteAllTextAsync(path, tampered.ToJsonString(VerifyCommand.Indented));
        (exit, output) = await AppProcess.RunUntilExitAsync([], "verify", path);
        Assert.True(exit == 1, output);
        Assert.Contains("数字指纹不一致", output);
        (exit, output) = await AppProcess.RunUntilExitAsync([], "verify", Path.Combine(folder, "missing.json"));
        Assert.True(exit == 2, output);
        Assert.Contains("无法读取核验文件", output);

        // Every unit's part recomputes alone to its approved figures (the supervisor downloads any unit's).
        foreach (var unit in rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Select(u => u!["unitCode"]!.GetValue<string>()))
        {
            var each = VerifyCommand.Check(await VerificationFileAsync(Supervisor, unit));
            Assert.True(each.Verified, unit);
        }

        // A unit's handler downloads only its own; an open round has nothing to verify yet.
        await ExpectProblemAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/units/xcb/verification.json"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/units/gat/verification.json"), HttpStatusCode.Conflict);
    }

    private static (string Text, IReadOnlyList<ValidationErrorInfo> Errors, IReadOnlyList<RunFonts> Fonts) Read(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2019).Validate(document).ToList();
        var body = document.MainDocumentPart!.Document.Body!;
        var text = string.Join("\n", body.Descendants<Paragraph>().Select(p => p.InnerText));
        return (text, errors, body.Descendants<RunFonts>().ToList());
    }

    private async Task<byte[]> DocxAsync(string email, string path)
    {
        var response = await _api.GetAsync(email, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(RoundDocuments.DocxType, response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task The_notice_and_each_feedback_letter_are_valid_docx_with_the_rankings_lists_and_fingerprints()
    {
        var rankings = await ApprovedAsync();
        var fingerprint = rankings["fingerprint"]!.GetValue<string>();
        var (text, errors, fonts) = Read(await DocxAsync(Supervisor, "/api/v1/evaluations/2026/notice.docx?number=" + Uri.EscapeDataString("评议办〔2026〕9号")));
        Assert.Empty(errors.Select(e => $"{e.Path?.XPath}: {e.Description}"));
        Assert.All(fonts, f => Assert.False(string.IsNullOrEmpty(f.EastAsia?.Value)));
        Assert.Contains(fonts, f => f.EastAsia?.Value == "仿宋");
        Assert.Contains("关于2026年度机关作风评议结果的通报", text);
        Assert.Contains("评议办〔2026〕9号", text);
        Assert.Contains("省纪委监委机关作风评议办公室", text);
        Assert.Contains(fingerprint, text);
        foreach (var label in new[] { "党群工作部门（含法检两院）", "省政府工作部门", "企事业单位", "中直单位", "重点跟踪对象", "通报名单" })
        {
            Assert.Contains(label, text);
        }
        var units = rankings["categories"]!.AsArray().SelectMany(c => c!["units"]!.AsArray()).Select(u => u!.AsObject()).ToList();
        foreach (var unit in units.Where(u => u["ranked"]!.GetValue<bool>()))
        {
            Assert.Contains(unit["name"]!.GetValue<string>(), text);
        }
        // The tracking list names each of the bottom two (tzb: 不满意 of the party-mass units rated).
        Assert.True(UnitOf(rankings, "tzb")["trackingList"]!.GetValue<bool>());
        var tracking = text[text.IndexOf("二、重点跟踪对象", StringComparison.Ordinal)..text.IndexOf("三、通报名单", StringComparison.Ordinal)];
        foreach (var unit in units.Where(u => u["trackingList"]!.GetValue<bool>()))
        {
            Assert.Contains(unit["name"]!.GetValue<string>(), tracking);
        }
        Assert.DoesNotContain(UnitOf(rankings, "xcb")["name"]!.GetValue<string>(), tracking);

        // 反馈函 of gat, by the supervisor: its score, its breakdown, its status, what next, its fingerprint.
        var breakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/gat/breakdown"), HttpStatusCode.OK))!;
        var (letter, letterErrors, letterFonts) = Read(await DocxAsync(Supervisor, "/api/v1/evaluations/2026/units/gat/feedback.docx"));
        Assert.Empty(letterErrors.Select(e => $"{e.Path?.XPath}: {e.Description}"));
        Assert.All(letterFonts, f => Assert.False(string.IsNullOrEmpty(f.EastAsia?.Value)));
        Assert.Contains("关于反馈2026年度机关作风评议结果的函", letter);
        Assert.Contains("评议办函〔2026〕", letter);
        Assert.Contains(UnitOf(rankings, "gat")["name"]!.GetValue<string>() + "：", letter);
        Assert.Contains($"综合得分{UnitOf(rankings, "gat")["score"]!.GetValue<double>():0.00}分", letter);
        Assert.Contains("义务监督员明察暗访", letter);
        Assert.Contains("扣分：1.50分", letter);
        Assert.Contains(breakdown["fingerprint"]!.GetValue<string>(), letter);
        Assert.Contains(fingerprint, letter);
        Assert.Contains(UnitOf(rankings, "gat")["trackingList"]!.GetValue<bool>() ? "列为2027年度重点跟踪对象" : "未列入2027年度重点跟踪对象", letter);
        var (tzbLetter, _, _) = Read(await DocxAsync(Supervisor, "/api/v1/evaluations/2026/units/tzb/feedback.docx?number=" + Uri.EscapeDataString("评议办函〔2026〕30号")));
        Assert.Contains("列为2027年度重点跟踪对象", tzbLetter);
        Assert.Contains("30日内制定整改方案", tzbLetter);
        Assert.Contains("评议办函〔2026〕30号", tzbLetter);
        // The category's size counts the ranked units only (one without data is listed, not ranked): tzb, the last of the
        // three party-mass units rated, is 3rd of 3, not of the category's eight (the letter and the breakdown said 8).
        var party = rankings["categories"]!.AsArray().Single(c => c!["units"]!.AsArray().Any(u => u!["unitCode"]!.GetValue<string>() == "tzb"))!["units"]!.AsArray();
        var rankedInParty = party.Count(u => u!["ranked"]!.GetValue<bool>());
        Assert.True(party.Count > rankedInParty);
        Assert.Contains($"{rankedInParty}个参评单位中排名第{UnitOf(rankings, "tzb")["rank"]!.GetValue<int>()}位", tzbLetter);
        var tzbBreakdown = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/tzb/breakdown"), HttpStatusCode.OK))!;
        Assert.Equal(rankedInParty, tzbBreakdown["categorySize"]!.GetValue<int>());

        // Who: the 通报 is the committee's; a unit's handler gets its own 反馈函 only once the results are fed back.
        await ExpectProblemAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/notice.docx"), HttpStatusCode.Forbidden);
        var early = await ExpectProblemAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/units/gat/feedback.docx"), HttpStatusCode.Forbidden);
        Assert.True(HasChinese(Errors(early, "year")[0]));
        await ExpectAsync(await PostAsync(Supervisor, "/api/v1/evaluations/2026/publication", new JsonObject { ["scope"] = "units" }), HttpStatusCode.OK);
        var (own, ownErrors, _) = Read(await DocxAsync(Handler("gat"), "/api/v1/evaluations/2026/units/gat/feedback.docx"));
        Assert.Empty(ownErrors);
        Assert.Contains(breakdown["fingerprint"]!.GetValue<string>(), own);
        await ExpectProblemAsync(await _api.GetAsync(Handler("gat"), "/api/v1/evaluations/2026/units/xcb/feedback.docx"), HttpStatusCode.Forbidden);
        var handlerPage = await ExpectAsync(await (await _api.NewSessionAsync(Handler("gat"))).GetAsync("/staff/scoring/2026/units/gat"), HttpStatusCode.OK);
        Assert.Contains("/api/v1/evaluations/2026/units/gat/feedback.docx", handlerPage);
        Assert.Contains(breakdown["fingerprint"]!.GetValue<string>(), handlerPage);
        // The channel's rate weights as the scheme sets them (0.225 read 0.23, and the seven summed to 1.01).
        Assert.Contains("<td data-label=\"权重\">0.225</td>", handlerPage);

        // A 文号 too long, a round not approved, a unit that does not exist: problem details with a Chinese message.
        var tooLong = await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/notice.docx?number=" + new string('号', 41)), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(Errors(tooLong, "number")[0]));
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2020/notice.docx"), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/units/nosuch/feedback.docx"), HttpStatusCode.NotFound);
    }
}

public sealed class SqliteRoundDocumentsTests(SqliteApp fixture) : RoundDocumentsTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresRoundDocumentsTests(PostgresApp fixture) : RoundDocumentsTests(fixture), IClassFixture<PostgresApp>;
