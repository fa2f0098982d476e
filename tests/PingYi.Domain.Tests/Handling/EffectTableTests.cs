using System.Reflection;
using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Complaints.Effects;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Handling;

/// <summary>
/// The table of effects is the one place that says what an action does: every action of the shipped definitions
/// has an effect and every effect an action, and the deadline an action starts is the same whether it is taken
/// now (<see cref="Complaint.Perform"/>) or replayed from the timeline (the recount and the handling-record backfill).
/// </summary>
public sealed class EffectTableTests
{
    private static readonly WorkflowEngine Engine = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling");

    // The real 2020 calendar (National Day Oct 1–8 off, Sat Oct 10 on) and the Monday–Friday fallback count
    // the same working days differently around National Day, so a replay that used another rule shows.
    private static readonly WorkflowContext Real = new(Engine, WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));
    private static readonly WorkflowContext Fallback = new(Engine, WorkingDayCalendar.MondayToFriday);

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly Actor Citizen = new(null, WorkflowRoles.Complainant);
    private static readonly UnitRef Education = new(10, "省教育厅");
    private static readonly UnitRef Labour = new(11, "省人力资源和社会保障厅");
    private static readonly Dictionary<string, int> UnitIds = new() { ["jyt"] = 10, ["rst"] = 11 };
    private static readonly DateTime T0 = Utc("2020-09-25T02:00:00");

    private sealed record Step(string Action, Actor Actor, DateTime At, object? Fields = null, UnitRef? Unit = null, string? Number = null);

    /// <summary>
    /// A case through every deadline-starting action (assign, approve-return, transfer, send-back, reopen) and an
    /// extension, each across or near National Day 2020.
    /// </summary>
    private static readonly Step[] Scenario =
    [
        new("assign", Supervisor, Utc("2020-09-28T02:00:00"), new { unitCode = "jyt" }, Education),
        new("request-return", Handler, Utc("2020-09-29T02:00:00"), new { reason = "不属本单位职责" }),
        new("approve-return", Supervisor, Utc("2020-09-30T02:00:00"), new { note = "重新确定承办单位" }),
        new("assign", Supervisor, Utc("2020-10-09T02:00:00"), new { unitCode = "jyt" }, Education),
        new("supervise", Supervisor, Utc("2020-10-12T02:00:00"), new { reason = "抓紧办理" }, Number: "DB-2020-0001"),
        new("answer-supervision", Handler, Utc("2020-10-13T02:00:00"), new { answer = "正在办理" }),
        new("transfer", Supervisor, Utc("2020-10-14T02:00:00"), new { unitCode = "rst", reason = "改由人社厅办理" }, Labour),
        new("request-extension", Handler, Utc("2020-10-15T02:00:00"), new { workingDays = 3, reason = "需要调查" }),
        new("approve-extension", Supervisor, Utc("2020-10-16T02:00:00")),
        new("respond", Handler, Utc("2020-10-19T02:00:00"), new { findings = "已核实", measures = "已整改", publicReply = "已整改完毕" }),
        new("send-back", Supervisor, Utc("2020-10-20T02:00:00"), new { reason = "补充" }),
        new("respond", Handler, Utc("2020-10-21T02:00:00"), new { findings = "已补充", measures = "已整改", publicReply = "已整改完毕" }),
        new("approve", Supervisor, Utc("2020-10-22T02:00:00"), new { qualityRating = 4 }),
        new("feedback", Citizen, Utc("2020-10-23T02:00:00"), new { satisfaction = "dissatisfied", comment = "没有解决" }),
        new("reopen", Supervisor, Utc("2020-10-26T02:00:00"), new { reason = "复查" }),
    ];

    [Fact]
    public void Every_action_of_the_shipped_definitions_has_an_effect_and_every_effect_an_action()
    {
        var named = WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Definitions
            .SelectMany(d => d.Actions.Select(a => a.Code))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(named.Order(StringComparer.Ordinal), ComplaintEffects.KnownActions.Order(StringComparer.Ordinal));
        // One class per effect: every effect class of the assembly is in the table, each under its own action.
        var effectType = typeof(ComplaintEffects).Assembly.GetType("PingYi.Domain.Complaints.Effects.IComplaintEffect", throwOnError: true)!;
        var classes = typeof(ComplaintEffects).Assembly.GetTypes()
            .Where(t => effectType.IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .ToList();
        var actionProperty = effectType.GetProperty("Action")!;
        var actions = classes.Select(t => (string)actionProperty.GetValue(Activator.CreateInstance(t, nonPublic: true))!).ToList();
        Assert.Equal(ComplaintEffects.KnownActions.Order(StringComparer.Ordinal), actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_deadlines_actions_start_are_the_documented_ones()
    {
        var starting = ComplaintEffects.KnownActions.Append(ComplaintActions.Submit)
            .Select(a => (Action: a, Starts: ComplaintEffects.DeadlineStartedBy(a)))
            .Where(a => a.Starts is not null)
            .OrderBy(a => a.Action, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [
                ("approve-return", StartedDeadline.Accept),
                ("assign", StartedDeadline.Handle),
                ("reopen", StartedDeadline.Handle),
                ("send-back", StartedDeadline.Rework),
                ("submit", StartedDeadline.Accept),
                ("transfer", StartedDeadline.Handle),
                ("unmerge", StartedDeadline.Accept),
            ],
            starting.Select(a => (a.Action, a.Starts!.Value)));
        Assert.Null(ComplaintEffects.DeadlineStartedBy("no-such-action"));
    }

    [Fact]
    public void Perform_sets_each_started_deadline_by_the_table_and_moves_no_deadline_otherwise()
    {
        var c = Lodge(Real);
        Assert.Equal(Started(StartedDeadline.Accept, T0, Real, c.Category), c.DueAtUtc);
        foreach (var step in Scenario)
        {
            var before = c.DueAtUtc;
            Perform(c, Real, step);
            if (ComplaintEffects.DeadlineStartedBy(step.Action) is { } kind)
            {
                Assert.Equal(Started(kind, step.At, Real, c.Category), c.DueAtUtc);
            }
            else if (step.Action == "approve-extension")
            {
                Assert.Equal(Real.Calendar.ExtendUtc(before!.Value, 3), c.DueAtUtc);
            }
            else
            {
                Assert.Equal(before, c.DueAtUtc);
            }
        }
    }

    [Fact]
    public void After_every_step_the_recount_replays_the_deadline_perform_set_under_either_calendar()
    {
        var checkedSteps = 0;
        var differing = 0;
        for (var n = 0; n <= Scenario.Length; n++)
        {
            // Counted with the fallback, then recounted with the real calendar: the same as counting with it live.
            var counted = Run(Fallback, n);
            var live = Run(Real, n);
            if (counted.Status is not (ComplaintStatus.Submitted or ComplaintStatus.Assigned))
            {
                continue;
            }
            differing += counted.DueAtUtc != live.DueAtUtc ? 1 : 0;
            counted.RecountDeadline(Real, 2020, Utc("2020-11-30T02:00:00"));
            Assert.Equal(live.DueAtUtc, counted.DueAtUtc);
            // Replaying under the calendar it was counted with changes nothing.
            Assert.False(live.RecountDeadline(Real, 2020, Utc("2020-11-30T02:00:00")));
            checkedSteps++;
        }
        Assert.True(checkedSteps >= 10, $"only {checkedSteps} steps had a deadline to recount");
        // The two calendars disagree on most of these deadlines, so the replay had something to get right.
        Assert.True(differing >= 5, $"only {differing} deadlines differ between the calendars");
    }

    [Fact]
    public void After_every_step_the_backfill_replays_the_handling_rows_perform_wrote()
    {
        for (var n = 1; n <= Scenario.Length; n++)
        {
            var c = Run(Real, n);
            var live = c.HandlingRecords.Select(Snapshot).ToList();
            Assert.NotEmpty(live);
            var rows = (List<HandlingRecord>)typeof(Complaint).GetField("_handlingRecords", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(c)!;
            rows.Clear();
            Assert.True(c.BackfillHandlingRecord(Real, code => UnitIds.TryGetValue(code, out var id) ? id : null));
            Assert.Equal(live, c.HandlingRecords.Select(Snapshot).ToList());
        }
    }

    private static DateTime Started(StartedDeadline kind, DateTime at, WorkflowContext workflow, ProblemCategory category) =>
        workflow.Calendar.DeadlineUtc(at, kind switch
        {
            StartedDeadline.Accept => workflow.Deadlines.AcceptWorkingDays,
            StartedDeadline.Handle => workflow.Deadlines.HandleWorkingDays(category),
            _ => workflow.Deadlines.ReworkWorkingDays,
        });

    private static Complaint Run(WorkflowContext workflow, int steps)
    {
        var c = Lodge(workflow);
        foreach (var step in Scenario.Take(steps))
        {
            Perform(c, workflow, step);
        }
        return c;
    }

    private static Complaint Lodge(WorkflowContext workflow)
    {
        var submission = new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null);
        return Complaint.Lodge("ZTC-2020-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web, submission, Education.Id, workflow, T0);
    }

    private static void Perform(Complaint c, WorkflowContext workflow, Step step)
    {
        var json = JsonSerializer.SerializeToElement(step.Fields ?? new { });
        var validation = workflow.Engine.ValidateFields(step.Action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid, step.Action);
        c.Perform(workflow, step.Action, step.Actor, validation.Values, step.Unit, step.At, step.Number);
    }

    private static string Snapshot(HandlingRecord r) => string.Join("|",
        typeof(HandlingRecord).GetProperties().Where(p => p.Name is not (nameof(HandlingRecord.Id) or nameof(HandlingRecord.ComplaintId)))
            .Select(p => $"{p.Name}={p.GetValue(r)}"));

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
}
