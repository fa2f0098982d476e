using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using PingYi.Web.Tests.Security;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// 内部备注 (issue 24 §3): the unit's handler and supervisors write notes on a case; a supervisor may keep one to the
/// committee; the complainant never sees any (not on /track, not in its API, not in a mail); the page shows them with
/// author and time and refuses an empty or over-long note in Chinese, keeping what was typed.
/// </summary>
public abstract class CaseNoteTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> PostNoteAsync(string email, string number, object body) =>
        await (await _api.AsAsync(email)).PostAsync($"/api/v1/complaints/{number}/notes", TestData.Json(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!));

    private async Task<List<string>> NoteTextsAsync(string email, string number) =>
        JsonNode.Parse(await ExpectAsync(await _api.GetAsync(email, $"/api/v1/complaints/{number}/notes"), HttpStatusCode.OK))!.AsArray()
            .Select(n => n!["text"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task The_unit_and_the_committee_read_unit_notes_the_committee_alone_its_own_and_the_complainant_none()
    {
        var (number, accessCode) = await _api.LodgeAsync(Token("备注"));
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        var unitNote = Token("单位备注：已联系街道");
        var committeeNote = Token("工委备注：该单位曾多次超期");

        var created = JsonNode.Parse(await ExpectAsync(await PostNoteAsync(Handler("jyt"), number, new { text = unitNote }), HttpStatusCode.Created))!;
        Assert.Equal(unitNote, created["text"]!.GetValue<string>());
        Assert.False(created["committeeOnly"]!.GetValue<bool>());
        Assert.Equal("unit-handler", created["authorRole"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(created["authorName"]!.GetValue<string>()));
        await ExpectAsync(await PostNoteAsync(Supervisor, number, new { text = committeeNote, committeeOnly = true }), HttpStatusCode.Created);

        Assert.Equal([unitNote, committeeNote], await NoteTextsAsync(Supervisor, number));
        Assert.Equal([unitNote], await NoteTextsAsync(Handler("jyt"), number));
        // A unit cannot hide a note from itself; another unit's handler learns nothing.
        var refused = await ExpectProblemAsync(await PostNoteAsync(Handler("jyt"), number, new { text = "仅工委", committeeOnly = true }), HttpStatusCode.BadRequest);
        Assert.True(HasChinese(string.Join("", Errors(refused, "committeeOnly"))));
        await ExpectProblemAsync(await _api.GetAsync(Handler("rst"), $"/api/v1/complaints/{number}/notes"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await PostNoteAsync(Handler("rst"), number, new { text = "别的单位" }), HttpStatusCode.NotFound);

        // The case goes on to the complainant's answer: no note is in anything the complainant reads or is sent.
        await _api.DoAsync(Handler("jyt"), number, "respond", new { findings = "经核实属实", measures = "已整改", publicReply = "已整改完毕" });
        await _api.DoAsync(Supervisor, number, "approve", new { qualityRating = 4 });
        var publicView = await _api.PublicViewTextAsync(number, accessCode);
        Assert.DoesNotContain(unitNote, publicView);
        Assert.DoesNotContain(committeeNote, publicView);
        var rows = await Outbox.RowsAsync(fixture.App, number);
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows, r => (r.Subject + r.TextBody + r.HtmlBody).Contains(unitNote, StringComparison.Ordinal)
            || (r.Subject + r.TextBody + r.HtmlBody).Contains(committeeNote, StringComparison.Ordinal));
        var tracked = await TrackPageAsync(number, accessCode);
        Assert.Contains("已整改完毕", tracked);
        Assert.DoesNotContain(unitNote, tracked);
        Assert.DoesNotContain(committeeNote, tracked);

        // A transfer does not hand the old unit's notes to the new one.
        var (other, _) = await _api.LodgeAsync(Token("转办备注"));
        await _api.DoAsync(Supervisor, other, "assign", new { unitCode = "jyt" });
        var oldUnit = Token("原单位备注");
        await ExpectAsync(await PostNoteAsync(Handler("jyt"), other, new { text = oldUnit }), HttpStatusCode.Created);
        await _api.DoAsync(Supervisor, other, "transfer", new { unitCode = "rst", reason = "职责调整" });
        Assert.Empty(await NoteTextsAsync(Handler("rst"), other));
        Assert.Equal([oldUnit], await NoteTextsAsync(Supervisor, other));
    }

    [Fact]
    public async Task Notes_are_validated_in_chinese_and_the_page_shows_them_with_author_and_time_keeping_a_refused_text()
    {
        var number = await _api.AssignedAsync(Token("备注校验"));
        var empty = await ExpectProblemAsync(await PostNoteAsync(Handler("jyt"), number, new { text = "   " }), HttpStatusCode.BadRequest);
        Assert.Contains("请填写备注内容", string.Join("", Errors(empty, "text")));
        var tooLong = await ExpectProblemAsync(await PostNoteAsync(Handler("jyt"), number, new { text = new string('长', 2001) }), HttpStatusCode.BadRequest);
        Assert.Contains("2000", string.Join("", Errors(tooLong, "text")));
        await ExpectAsync(await PostNoteAsync(Handler("jyt"), number, new { text = new string('满', 2000) }), HttpStatusCode.Created);

        var browser = new PageBrowser(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(Handler("jyt"), Password)).StatusCode);
        var detail = $"/staff/complaints/{number}";
        var page = await ExpectAsync(await browser.GetAsync(detail), HttpStatusCode.OK);
        var text = Token("页面备注");
        var saved = await browser.PostFormAsync($"{detail}?handler=Note", new Dictionary<string, string> { ["noteText"] = text }, PageBrowser.Token(page));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var shown = await ExpectAsync(await browser.GetAsync(saved.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Contains("备注已保存", shown);
        Assert.Contains(text, shown);
        Assert.Contains("（承办单位）", shown);
        // A unit's handler is not offered the committee-only choice.
        Assert.DoesNotContain("id=\"note-committee\"", shown);

        var typed = new string('超', 2001);
        var refused = await browser.PostFormAsync($"{detail}?handler=Note", new Dictionary<string, string> { ["noteText"] = typed }, PageBrowser.Token(shown));
        var again = await ExpectAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains("id=\"note-error\"", again);
        Assert.Contains("备注不能超过 2000 个字", again);
        Assert.Contains(typed, again);
    }

    /// <summary>The /track page after signing in with the complaint's number and access code (the redirect followed).</summary>
    private async Task<string> TrackPageAsync(string number, string accessCode)
    {
        var browser = new PageBrowser(fixture.App);
        var form = await ExpectAsync(await browser.GetAsync("/track"), HttpStatusCode.OK);
        var posted = await browser.PostFormAsync("/track", new Dictionary<string, string> { ["TrackingNumber"] = number, ["Code"] = accessCode }, PageBrowser.Token(form));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        return await ExpectAsync(await browser.GetAsync(posted.Headers.Location!.OriginalString), HttpStatusCode.OK);
    }
}

public sealed class SqliteCaseNoteTests(SqliteApp fixture) : CaseNoteTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresCaseNoteTests(PostgresApp fixture) : CaseNoteTests(fixture), IClassFixture<PostgresApp>;
