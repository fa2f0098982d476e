using System.Net;
using System.Text.Json.Nodes;
using PingYi.Web.Tests.Infrastructure;
using PingYi.Web.Tests.Notifications;
using static PingYi.Web.Tests.Infrastructure.StaffApi;

namespace PingYi.Web.Tests.Complaints.Timers;

/// <summary>
/// A rework deadline and a 督办 notice's own reply deadline each get the reminder, the overdue notice and the
/// escalation levels, on the right working days and once each; a 督办 notice pending when the case is transferred is
/// withdrawn; and a sweep that first runs three days after a run of timers fell due fires each of them once, in
/// the order they fell due. The only test of its class: it moves the clock (from Wed 2026-11-25 10:00 China time).
/// </summary>
public abstract class DeadlineScheduleTests(AppFixture fixture)
{
    private static readonly string[] TimerActions =
        ["accept-overdue", "deadline-reminder", "overdue", "escalate", "supervision-reminder", "supervision-overdue", "supervision-escalate"];

    private readonly StaffApi _api = StaffApi.For(fixture.App);

    [Fact]
    public async Task Rework_and_notice_deadlines_remind_go_overdue_and_escalate_once_on_time_and_in_order_when_late()
    {
        var app = fixture.App;
        var time = app.Time;
        Assert.Equal(AppFactory.Start, time.GetUtcNow());
        var jyt = Handler("jyt");

        // R: answered and sent back at once: rework of 5 working days ends Wed 12-02.
        var rework = await _api.AssignedAsync($"{Token("重办")} 退回重办计时");
        await _api.DoAsync(jyt, rework, "respond", new { findings = "经查属实", measures = "已整改", publicReply = "已整改。" });
        var view = await _api.DoAsync(Supervisor, rework, "send-back", new { reason = "整改材料不全" });
        Assert.Equal(Utc("2026-12-02T16:00:00Z"), Date(view["dueAt"]));

        // S: a 督办 notice of 3 working days (Thu, Fri, Mon) ends Mon 11-30; the case itself ends Wed 12-16.
        var supervised = await _api.AssignedAsync($"{Token("督办")} 督办计时");
        view = await _api.DoAsync(Supervisor, supervised, "supervise", new { reason = "群众反映强烈，请限期答复" });
        var notice = view["supervisions"]![0]!["number"]!.GetValue<string>();
        Assert.Equal(Utc("2026-12-16T16:00:00Z"), Date(view["dueAt"]));
        // The 督办 e-mail names the notice's own reply deadline, not the case's.
        var mail = Assert.Single(await Outbox.RowsAsync(app, supervised), m => m.Kind == "supervised" && m.Recipient == "jyt@pingyi.local");
        Assert.Contains("答复期限：2026-11-30 24:00", mail.TextBody);
        Assert.Contains("2026-11-30 24:00", mail.Subject);
        Assert.Contains("2026-11-30 24:00", mail.HtmlBody);
        Assert.DoesNotContain("2026-12-16", mail.Subject + mail.TextBody + mail.HtmlBody);

        // T: a notice still open when the case is transferred is withdrawn with an event; the new unit answers nothing.
        var transferred = await _api.AssignedAsync($"{Token("转办")} 督办后转办");
        await _api.DoAsync(Supervisor, transferred, "supervise", new { reason = "请说明进展" });
        view = await _api.DoAsync(Supervisor, transferred, "transfer", new { unitCode = "xcb", reason = "职能不符" });
        Assert.Contains("sign", await _api.ActionsAsync(Handler("xcb"), transferred));
        var withdrawn = view["supervisions"]![0]!;
        Assert.False(withdrawn["open"]!.GetValue<bool>());
        Assert.NotNull(withdrawn["withdrawnAt"]);
        var last = view["timeline"]!.AsArray()[^1]!;
        Assert.Equal("supervision-withdrawn", last["action"]!.GetValue<string>());
        Assert.Contains(withdrawn["number"]!.GetValue<string>(), Readable(last["internalNote"]!));
        Assert.DoesNotContain("answer-supervision", await _api.ActionsAsync(Handler("xcb"), transferred));
        await ExpectProblemAsync(await _api.ActAsync(Handler("xcb"), transferred, "answer-supervision", new { answer = "代答" }), HttpStatusCode.Conflict);
        // Its timers went with it: once the new unit has signed, the case's next timer is its reminder, 00:00 Wed 12-16.
        view = await _api.DoAsync(Handler("xcb"), transferred, "sign");
        Assert.Equal(Utc("2026-12-15T16:00:00Z"), Date(view["nextTimerAt"]));

        // ---- on time: each timer at its moment (a minute before, nothing), once, even with two sweeps racing ----
        var steps = new (string At, string Number, string Action)[]
        {
            ("2026-11-29T16:00:00Z", supervised, "supervision-reminder"),  // 00:00 Mon 11-30, the notice's last day
            ("2026-11-30T16:00:00Z", supervised, "supervision-overdue"),   // end of Mon 11-30
            ("2026-12-01T16:00:00Z", rework, "deadline-reminder"),         // 00:00 Wed 12-02, the rework's last day
            ("2026-12-02T16:00:00Z", rework, "overdue"),                   // end of Wed 12-02
            ("2026-12-03T16:00:00Z", supervised, "supervision-escalate"),  // level 2: Tue–Thu passed, 00:00 Fri 12-04
            ("2026-12-07T16:00:00Z", rework, "escalate"),                  // level 2: Thu, Fri, Mon passed, 00:00 Tue 12-08
            ("2026-12-07T16:00:00Z", supervised, "supervision-escalate"),  // level 3: five working days, 00:00 Tue 12-08
            ("2026-12-09T16:00:00Z", rework, "escalate"),                  // level 3: 00:00 Thu 12-10
        };
        string[] cases = [rework, supervised, transferred];
        var expected = cases.SelectMany(n => TimerActions.Select(a => (n, a))).ToDictionary(k => k, _ => 0);
        foreach (var group in steps.GroupBy(s => s.At))
        {
            var at = Utc(group.Key);
            time.SetUtcNow(at.AddMinutes(-1));
            await Sweep.RunAsync(app);
            Assert.Equal(expected, await CountsAsync(cases));

            time.SetUtcNow(at);
            await Task.WhenAll(Sweep.RunAsync(app), Sweep.RunAsync(app));
            await Sweep.RunAsync(app);
            foreach (var step in group)
            {
                expected[(step.Number, step.Action)]++;
            }
            Assert.Equal(expected, await CountsAsync(cases));
        }
        view = await _api.StaffViewAsync(Supervisor, rework);
        Assert.Equal(3, view["escalationLevelNotified"]!.GetValue<int>());
        Assert.Equal([2, 3], Levels(view, "escalate"));
        view = await _api.StaffViewAsync(Supervisor, supervised);
        Assert.Equal(3, view["supervisions"]![0]!["escalationLevel"]!.GetValue<int>());
        Assert.Equal([2, 3], Levels(view, "supervision-escalate"));
        // The case's own timers are untouched by its notice's: the reminder before Wed 12-16 is next.
        Assert.Equal(0, view["escalationLevelNotified"]!.GetValue<int>());
        Assert.Equal(Utc("2026-12-15T16:00:00Z"), Date(view["nextTimerAt"]));

        // Each firing wrote its messages once: the unit (handler and contact address) and, from the overdue notice
        // of a 督办 and from level 2 of either, the supervisors too.
        var rows = await Outbox.RowsAsync(app, supervised);
        Assert.Equal(2, rows.Count(m => m.Kind == "supervision-reminder"));
        var overdueRows = rows.Count(m => m.Kind == "supervision-overdue");
        Assert.True(overdueRows > 2);
        Assert.Equal(2 * overdueRows, rows.Count(m => m.Kind == "supervision-escalated"));
        Assert.All(rows.Where(m => m.Kind.StartsWith("supervision-", StringComparison.Ordinal)), m => Assert.Contains("2026-11-30 24:00", m.TextBody));
        rows = await Outbox.RowsAsync(app, rework);
        Assert.Equal(2, rows.Count(m => m.Kind == "deadline-reminder"));
        Assert.Equal(2, rows.Count(m => m.Kind == "overdue"));
        Assert.Equal(2 * overdueRows, rows.Count(m => m.Kind == "escalated"));

        // ---- late: cases set up on Thu 12-10, then the app is down until three days after their last timer ----
        time.SetUtcNow(Utc("2026-12-10T02:00:00Z"));
        // LA: 10 working days (eight-point rules) end Thu 12-24; level 3 at 00:00 Fri 01-01.
        var lateAssigned = await _api.AssignedAsync($"{Token("迟到")} 晚扫办理", category: "eight-point-rules");
        // LB: rework ends Thu 12-17; level 3 at 00:00 Fri 12-25.
        var lateRework = await _api.AssignedAsync($"{Token("迟到")} 晚扫重办");
        await _api.DoAsync(jyt, lateRework, "respond", new { findings = "经查属实", measures = "已整改", publicReply = "已整改。" });
        await _api.DoAsync(Supervisor, lateRework, "send-back", new { reason = "整改不到位" });
        // LC: a notice ending Tue 12-15 (levels at 00:00 Mon 12-21 and Wed 12-23); the case itself ends Thu 12-31.
        var lateSupervised = await _api.AssignedAsync($"{Token("迟到")} 晚扫督办");
        await _api.DoAsync(Supervisor, lateSupervised, "supervise", new { reason = "请限期答复" });
        // LD: never accepted: the accept deadline ends Fri 12-11.
        var (lateSubmitted, _) = await _api.LodgeAsync($"{Token("迟到")} 晚扫受理");

        var late = Utc("2027-01-04T02:00:00Z");
        time.SetUtcNow(late);
        await Task.WhenAll(Sweep.RunAsync(app), Sweep.RunAsync(app));
        await Sweep.RunAsync(app);
        Assert.Equal(0, await Sweep.RunAsync(app));

        // Reminders that were due before their deadline passed are passed over; everything else fires once, in order.
        Assert.Equal(["overdue", "escalate", "escalate"], await TimerEventsAsync(lateAssigned, late));
        Assert.Equal(["overdue", "escalate", "escalate"], await TimerEventsAsync(lateRework, late));
        Assert.Equal(["supervision-overdue", "supervision-escalate", "supervision-escalate", "overdue"], await TimerEventsAsync(lateSupervised, late));
        Assert.Equal(["accept-overdue"], await TimerEventsAsync(lateSubmitted, late));
        Assert.Equal([2, 3], Levels(await _api.StaffViewAsync(Supervisor, lateAssigned), "escalate"));
        Assert.Equal([2, 3], Levels(await _api.StaffViewAsync(Supervisor, lateSupervised), "supervision-escalate"));
        // And their messages: one per recipient and case, stating the level reached (3), not one per timer.
        rows = await Outbox.RowsAsync(app, lateAssigned);
        Assert.Equal(0, rows.Count(m => m.Kind == "deadline-reminder"));
        Assert.Equal(0, rows.Count(m => m.Kind == "overdue"));
        Assert.Equal(overdueRows, rows.Count(m => m.Kind == "escalated"));
        Assert.All(rows.Where(m => m.Kind == "escalated"), m => Assert.Contains("已升至3级", m.Subject));
        rows = await Outbox.RowsAsync(app, lateSupervised);
        Assert.Equal(0, rows.Count(m => m.Kind == "supervision-reminder"));
        Assert.Equal(0, rows.Count(m => m.Kind is "supervision-overdue" or "overdue"));
        Assert.Equal(overdueRows, rows.Count(m => m.Kind == "supervision-escalated"));

        // The withdrawn notice never fired.
        Assert.All((await CountsAsync([transferred])).Where(e => e.Key.Item2.StartsWith("supervision-", StringComparison.Ordinal)), e => Assert.Equal(0, e.Value));
    }

    private static List<int> Levels(JsonObject view, string action) =>
        view["timeline"]!.AsArray().Where(e => e!["action"]!.GetValue<string>() == action)
            .Select(e => JsonNode.Parse(e!["data"]!.GetValue<string>())!["level"]!.GetValue<int>()).ToList();

    /// <summary>The timer events a case got at <paramref name="at"/>, in timeline order.</summary>
    private async Task<List<string>> TimerEventsAsync(string number, DateTime at) =>
        (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray()
            .Where(e => TimerActions.Contains(e!["action"]!.GetValue<string>()) && Date(e["at"]) == at)
            .Select(e => e!["action"]!.GetValue<string>())
            .ToList();

    private async Task<Dictionary<(string, string), int>> CountsAsync(IEnumerable<string> numbers)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var number in numbers)
        {
            var timeline = (await _api.StaffViewAsync(Supervisor, number))["timeline"]!.AsArray();
            foreach (var action in TimerActions)
            {
                counts[(number, action)] = timeline.Count(e => e!["action"]!.GetValue<string>() == action);
            }
        }
        return counts;
    }
}

public sealed class SqliteDeadlineScheduleTests(SqliteApp fixture) : DeadlineScheduleTests(fixture), IClassFixture<SqliteApp>;

public sealed class PostgresDeadlineScheduleTests(PostgresApp fixture) : DeadlineScheduleTests(fixture), IClassFixture<PostgresApp>;
