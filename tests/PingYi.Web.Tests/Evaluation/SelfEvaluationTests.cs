using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Evaluation;

/// <summary>
/// Self-evaluation documents in the 2026 round (the app's clock starts 2026-11-25): uploads checked by
/// content, late and missing ones flagged for supervisors, and the reminders due on a given day computed
/// from the FakeTimeProvider.
/// </summary>
public abstract class SelfEvaluationTests(AppFixture fixture)
{
    private readonly StaffApi _api = StaffApi.For(fixture.App);

    private async Task<HttpResponseMessage> UploadAsync(string email, string milestone, byte[] content, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", name);
        return await (await _api.AsAsync(email)).PostAsync($"/api/v1/evaluations/2026/documents/{milestone}", form);
    }

    private async Task<IReadOnlyList<SelfEvaluation.ReminderDue>> RemindersAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SelfEvaluation.Reminders>().DueTodayAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Uploads_reminders_and_the_late_list_follow_the_due_dates()
    {
        var open = await (await _api.AsAsync(Supervisor)).PostAsync("/api/v1/evaluations/2026/open", TestData.Json(new JsonObject()));
        Assert.True(open.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict);

        // 2026-11-25 10:00 China: no reminder date today (the 7-days-before one was 11-23).
        Assert.Empty(await RemindersAsync());

        // jyt files its plan (late: due 1 September) and, before the deadline, its report; rst files nothing.
        var plan = JsonNode.Parse(await ExpectAsync(await UploadAsync(Handler("jyt"), "implementation-plan", TestData.Pdf, "实施方案.pdf"), HttpStatusCode.Created))!;
        Assert.True(plan["late"]!.GetValue<bool>());
        var report = JsonNode.Parse(await ExpectAsync(await UploadAsync(Handler("jyt"), "self-evaluation-report", TestData.Pdf, "自评报告.pdf"), HttpStatusCode.Created))!;
        Assert.False(report["late"]!.GetValue<bool>());

        // Bad uploads: not a PDF/Word by content, an image, an unknown milestone, another role.
        await ExpectProblemAsync(await UploadAsync(Handler("rst"), "implementation-plan", "not a pdf"u8.ToArray(), "方案.pdf"), HttpStatusCode.UnsupportedMediaType);
        await ExpectProblemAsync(await UploadAsync(Handler("rst"), "implementation-plan", TestData.Png, "方案.pdf"), HttpStatusCode.UnsupportedMediaType);
        await ExpectProblemAsync(await UploadAsync(Handler("rst"), "summary", TestData.Pdf, "总结.pdf"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await UploadAsync(Supervisor, "implementation-plan", TestData.Pdf, "方案.pdf"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await UploadAsync("deputies@pingyi.local", "implementation-plan", TestData.Pdf, "方案.pdf"), HttpStatusCode.Forbidden);

        // 2026-11-29 China: one day before the report is due: every unit but jyt is reminded.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.Zero));
        var due = await RemindersAsync();
        Assert.All(due, r => Assert.Equal(("self-evaluation-report", ReminderKind.Before, 1), (r.Milestone, r.Kind, r.Days)));
        Assert.DoesNotContain(due, r => r.UnitCode == "jyt");
        var rst = Assert.Single(due, r => r.UnitCode == "rst");
        Assert.Contains("rst@pingyi.local", rst.Recipients);
        Assert.Contains("rst-leader@pingyi.local", rst.Recipients);

        // 2026-11-30 (due day): nothing; 2026-12-01: the day after, still missing ones.
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));
        Assert.Empty(await RemindersAsync());
        fixture.App.Time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));
        var after = await RemindersAsync();
        Assert.Contains(after, r => r is { UnitCode: "rst", Kind: ReminderKind.After, Days: 1 });
        Assert.DoesNotContain(after, r => r.UnitCode == "jyt");

        var status = JsonNode.Parse(await ExpectAsync(await _api.GetAsync(Supervisor, "/api/v1/evaluations/2026/documents"), HttpStatusCode.OK))!.AsArray();
        var jyt = status.Single(u => u!["unitCode"]!.GetValue<string>() == "jyt")!["milestones"]!.AsArray();
        Assert.True(jyt[0]!["late"]!.GetValue<bool>());
        Assert.False(jyt[1]!["late"]!.GetValue<bool>() || jyt[1]!["missing"]!.GetValue<bool>());
        var rstStatus = status.Single(u => u!["unitCode"]!.GetValue<string>() == "rst")!["milestones"]!.AsArray();
        Assert.All(rstStatus, m => Assert.True(m!["missing"]!.GetValue<bool>() && m["overdue"]!.GetValue<bool>()));
        await ExpectProblemAsync(await _api.GetAsync(Handler("rst"), "/api/v1/evaluations/2026/documents"), HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteSelfEvaluationTests(SqliteApp fixture) : SelfEvaluationTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresSelfEvaluationTests(PostgresApp fixture) : SelfEvaluationTests(fixture), IClassFixture<PostgresApp>;
