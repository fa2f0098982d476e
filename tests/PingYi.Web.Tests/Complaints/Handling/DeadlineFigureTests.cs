using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Web.Infrastructure;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Handling;

/// <summary>
/// One case, one figure: 提交成功, <c>/track</c>, the staff list, the case page, the 督办台 and the mails show the same
/// remaining (or overdue) working days and the same overdue status at each moment — lodged, with its accept
/// deadline of the workflow's <c>acceptWorkingDays</c>; assigned with a 15-working-day deadline; on its last day;
/// two working days past it. Moves the clock from <see cref="AppFactory.Start"/> (Wednesday 2026-11-25 10:00 China).
/// </summary>
public abstract partial class DeadlineFigureTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task Every_page_and_mail_shows_the_same_days_for_one_case()
    {
        var app = fixture.App;
        Assert.Equal(AppFactory.Start, app.Time.GetUtcNow());
        var acceptDays = app.Services.GetRequiredService<WorkflowRuntime>().ForNewComplaint().Deadlines.AcceptWorkingDays;
        var who = Complainant.Distinct();
        var token = Token("期限一致");

        // 提交成功: the promise is the workflow's accept deadline, and /track reads the same figure that day.
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await browser.GetStringAsync("/complaints/new");
        var posted = await browser.PostAsync("/complaints/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
            ["FormToken"] = FormToken().Match(form).Groups[1].Value,
            ["Input.UnitCode"] = "jyt",
            ["Input.Category"] = "formalism",
            ["Input.Title"] = token,
            ["Input.Description"] = "学校迎检材料层层加码，一周内要求报送三套纸质材料。",
            ["Input.Anonymous"] = "false",
            ["Input.Name"] = who.Name,
            ["Input.Phone"] = who.Phone,
            ["Input.Email"] = who.Email,
        }));
        Assert.True(posted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        var lodged = await browser.GetStringAsync(posted.Headers.Location);
        Assert.Contains($"我们将在 <span id=\"accept-days\">{acceptDays}</span> 个工作日内决定是否受理", lodged);
        var number = Secret("tracking-number").Match(lodged).Groups[1].Value;
        var code = Secret("access-code").Match(lodged).Groups[1].Value;

        var accept = $"剩余 {acceptDays} 个工作日";
        await AssertEverywhereAsync(browser, number, code, token, accept, overdue: false, onBoard: false);
        // A second case the supervisors leave waiting: past its 受理期限 later on, it is late to accept, never 超期.
        var waitingToken = Token("受理期限未受理");
        var (waiting, waitingCode) = await _api.LodgeAsync(waitingToken);

        // Assigned the same day: 15 working days (Thu 11-26 … Wed 12-16), 15 left — not 16.
        await _api.DoAsync(Supervisor, number, "assign", new { unitCode = "jyt" });
        await _api.DoAsync(Supervisor, number, "supervise", new { reason = "请按期办理", workingDays = 10 });
        await AssertEverywhereAsync(browser, number, code, token, "剩余 15 个工作日", overdue: false, onBoard: true);
        var mails = await Outbox.RowsAsync(app, number);
        var assigned = mails.Where(m => m.Kind == "assigned").ToList();
        Assert.NotEmpty(assigned);
        Assert.All(assigned, m => Assert.Contains("办理期限：2026-12-16 24:00（剩余 15 个工作日）", m.TextBody));
        var accepted = Assert.Single(mails, m => m.Kind == "accepted");
        Assert.Equal(who.Email, accepted.Recipient);
        Assert.Contains("办理期限：2026-12-16 24:00（剩余 15 个工作日）", accepted.TextBody);

        // The last day: due today everywhere, not overdue anywhere.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 16, 2, 0, 0, TimeSpan.Zero));
        await AssertEverywhereAsync(browser, number, code, token, "今天到期", overdue: false, onBoard: true);
        await AssertLateToAcceptNotOverdueAsync(waiting, waitingCode, waitingToken);

        // The next day (Thu 12-17): overdue everywhere, the citizen's page and the staff list alike.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 17, 2, 0, 0, TimeSpan.Zero));
        await AssertEverywhereAsync(browser, number, code, token, "超期 1 个工作日", overdue: true, onBoard: true);

        // Two working days past (Thu 12-17, Fri 12-18): overdue everywhere, by the same count.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 18, 2, 0, 0, TimeSpan.Zero));
        await AssertEverywhereAsync(browser, number, code, token, "超期 2 个工作日", overdue: true, onBoard: true);
        await AssertLateToAcceptNotOverdueAsync(waiting, waitingCode, waitingToken);
    }

    /// <summary>A submitted case past its 受理期限: /track, the list, the overdue filter and the API agree it is not 超期.</summary>
    private async Task AssertLateToAcceptNotOverdueAsync(string number, string code, string token)
    {
        var at = fixture.App.Time.GetUtcNow();
        var browser = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var track = await browser.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number,
            ["Code"] = code,
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(await browser.GetStringAsync("/track")).Groups[1].Value,
        }));
        var trackHtml = track.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther
            ? await browser.GetStringAsync(track.Headers.Location)
            : await track.Content.ReadAsStringAsync();
        var note = ProgressNote().Match(trackHtml).Groups[1].Value;
        Assert.Matches(@"^受理期限 .*，超过受理期限 \d+ 个工作日。$", note);
        Assert.DoesNotContain("督办", note, StringComparison.Ordinal);

        var supervisor = await _api.AsAsync(Supervisor);
        var row = Row(number).Match(await supervisor.GetStringAsync($"/staff/complaints?q={Uri.EscapeDataString(token)}"));
        Assert.True(row.Success, $"the list has no row for {number}");
        Assert.DoesNotContain("is-overdue", row.Value, StringComparison.Ordinal);
        Assert.Matches(@"超过受理期限 \d+ 个工作日", row.Value);
        Assert.False(Row(number).IsMatch(await supervisor.GetStringAsync($"/staff/complaints?overdue=true&q={Uri.EscapeDataString(token)}")), $"overdue filter at {at:O}");
        Assert.False((await _api.StaffViewAsync(Supervisor, number))["overdue"]!.GetValue<bool>());
    }

    private async Task AssertEverywhereAsync(HttpClient browser, string number, string code, string token, string figure, bool overdue, bool onBoard)
    {
        var at = fixture.App.Time.GetUtcNow();
        // /track, as the complainant reads it.
        var track = await browser.PostAsync("/track", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["TrackingNumber"] = number,
            ["Code"] = code,
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(await browser.GetStringAsync("/track")).Groups[1].Value,
        }));
        var trackHtml = track.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther
            ? await browser.GetStringAsync(track.Headers.Location)
            : await track.Content.ReadAsStringAsync();
        var note = ProgressNote().Match(trackHtml).Groups[1].Value;
        Assert.True(Figures(note).SequenceEqual([figure]), $"/track at {at:O}: {note}");
        Assert.Equal(overdue, note.Contains("督办", StringComparison.Ordinal));
        // The hint names the button it means, not a "点此" link that is not there.
        Assert.Contains(">查询其他反映</button>", trackHtml);
        Assert.Contains("请点“查询其他反映”退出本件", trackHtml);

        // The staff list (the row of this case; the table and the phone cards say the same).
        var supervisor = await _api.AsAsync(Supervisor);
        var list = await supervisor.GetStringAsync($"/staff/complaints?q={Uri.EscapeDataString(token)}");
        var row = Row(number).Match(list);
        Assert.True(row.Success, $"the list has no row for {number}");
        Assert.True(Figures(row.Value).SequenceEqual([figure]), $"list at {at:O}: {row.Value}");
        Assert.Equal(overdue, row.Value.Contains("is-overdue", StringComparison.Ordinal));

        // The case page.
        var page = await supervisor.GetStringAsync($"/staff/complaints/{number}");
        var due = Due().Match(page).Groups[1].Value;
        Assert.True(Figures(due).SequenceEqual([figure]), $"case page at {at:O}: {due}");
        Assert.Equal(overdue, page.Contains("id=\"overdue\"", StringComparison.Ordinal));

        // The API's overdue flag is the same rule.
        Assert.Equal(overdue, (await _api.StaffViewAsync(Supervisor, number))["overdue"]!.GetValue<bool>());

        // The 督办台 lists the case while its 督办 notice is open.
        var board = await supervisor.GetStringAsync("/staff/oversight");
        var item = BoardItem(number).Match(board);
        Assert.Equal(onBoard, item.Success);
        if (onBoard)
        {
            Assert.True(Figures(item.Value).SequenceEqual([figure]), $"督办台 at {at:O}: {item.Value}");
            Assert.Equal(overdue, item.Value.Contains("is-overdue", StringComparison.Ordinal));
        }
    }

    /// <summary>Every remaining/overdue figure in a piece of text.</summary>
    private static IEnumerable<string> Figures(string html) =>
        Figure().Matches(html).Select(m => m.Value).Distinct();

    private static Regex Row(string number) =>
        new($"<tr[^>]*data-number=\"{Regex.Escape(number)}\".*?</tr>", RegexOptions.Singleline);

    private static Regex BoardItem(string number) =>
        new($"<li[^>]*data-tracking=\"{Regex.Escape(number)}\".*?(?:<details|</li>)", RegexOptions.Singleline);

    private static Regex Secret(string id) => new($"id=\"{id}\">([^<]+)<");

    [GeneratedRegex(@"(?:剩余|超期) \d+ 个工作日|今天到期")]
    private static partial Regex Figure();

    [GeneratedRegex("id=\"progress-note\">([^<]*)<")]
    private static partial Regex ProgressNote();

    [GeneratedRegex("<dd id=\"due\">([^<]*)</dd>")]
    private static partial Regex Due();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<input[^>]*name=\"FormToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}

public sealed class SqliteDeadlineFigureTests(SqliteApp fixture) : DeadlineFigureTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresDeadlineFigureTests(PostgresApp fixture) : DeadlineFigureTests(fixture), IClassFixture<PostgresApp>;
