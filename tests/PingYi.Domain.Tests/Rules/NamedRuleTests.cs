using System.Linq.Expressions;
using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Rules;

/// <summary>
/// The rules every list, inbox, board, mail and page asks, each written once in <c>PingYi.Domain</c>: overdue and
/// late-to-accept (<see cref="ComplaintRules"/>), the open 督办 notice (<see cref="SupervisionNotice.IsOpen"/>) and
/// who may see the complainant (<see cref="WorkflowRoles.SeesComplainant"/>); and that a query calling them by name
/// compares exactly what memory compares once <see cref="QueryRules.Expand"/> has written them out.
/// </summary>
public sealed class NamedRuleTests
{
    private static readonly WorkflowContext Workflow = new(
        WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Latest("complaint-handling"),
        WorkingDayCalendar.LoadDirectory(RepoPaths.ChinaCalendar));

    private static readonly Actor Supervisor = new("sup-1", WorkflowRoles.Supervisor);
    private static readonly Actor Handler = new("h-1", WorkflowRoles.UnitHandler);
    private static readonly UnitRef Education = new(10, "省教育厅");

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static Complaint Lodge(DateTime at) => Complaint.Lodge("ZTC-2026-000001", AccessCode.Hash("ABCDEFGHJKMN"), ComplaintChannel.Web,
        new ValidComplaintSubmission("jyt", ProblemCategory.Formalism, "标题", "足够长的问题描述内容。", null, null, null), Education.Id, Workflow, at);

    private static void Do(Complaint c, string action, Actor actor, DateTime at, object fields, UnitRef? unit = null, string? number = null)
    {
        var json = JsonSerializer.SerializeToElement(fields);
        var validation = Workflow.Engine.ValidateFields(action, json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
        Assert.True(validation.IsValid);
        c.Perform(Workflow, action, actor, validation.Values, unit, at, number);
    }

    /// <summary>Evaluates <paramref name="query"/> as a database would see it: expanded, with no call to a domain rule left.</summary>
    private static bool AsQuery<T>(Expression<Func<T, bool>> query, T row)
    {
        var expanded = (Expression<Func<T, bool>>)QueryRules.Expand(query);
        var text = expanded.ToString();
        foreach (var rule in new[] { nameof(ComplaintRules.IsOverdue), nameof(ComplaintRules.IsAcceptLate), nameof(SupervisionNotice.IsOpen), nameof(Deadlines.Late) })
        {
            Assert.DoesNotContain(rule, text, StringComparison.Ordinal);
        }
        return expanded.Compile()(row);
    }

    [Fact]
    public void Overdue_is_an_assigned_case_past_its_deadline_and_a_submitted_one_is_only_late_to_accept()
    {
        // Lodged Wednesday 2026-11-25 10:00 China time: accept deadline end of Friday 11-27.
        var c = Lodge(Utc("2026-11-25T02:00:00"));
        var accept = c.DueAtUtc!.Value;
        Assert.Equal(Utc("2026-11-27T16:00:00"), accept);
        foreach (var (at, late) in new[] { (accept.AddTicks(-1), false), (accept, true), (accept.AddDays(5), true) })
        {
            Assert.False(c.IsOverdue(at));
            Assert.False(ComplaintRules.IsOverdue(c.Status, c.DueAtUtc, at));
            Assert.False(AsQuery(ComplaintRules.OverdueAt(at), c));
            Assert.True(AsQuery(ComplaintRules.NotOverdueAt(at), c));
            Assert.Equal(late, ComplaintRules.IsAcceptLate(c.Status, c.DueAtUtc, at));
            Assert.Equal(late, AsQuery(ComplaintRules.AcceptLateAt(at), c));
        }
        Assert.Equal(DeadlineKind.Accept, ComplaintRules.RunningDeadline(c.Status));

        // Assigned the same day: 15 working days, due end of Wednesday 12-16.
        Do(c, "assign", Supervisor, Utc("2026-11-25T03:00:00"), new { unitCode = "jyt" }, Education);
        var due = c.DueAtUtc!.Value;
        Assert.Equal(Utc("2026-12-16T16:00:00"), due);
        Assert.Equal(DeadlineKind.Handling, ComplaintRules.RunningDeadline("assigned"));
        // The deadline's own day reads 今天到期 and is not overdue; the next day is, in memory and in a query alike.
        foreach (var (at, overdue, words) in new[] { (Utc("2026-12-16T02:00:00"), false, "今天到期"), (Utc("2026-12-17T02:00:00"), true, "超期 1 个工作日") })
        {
            Assert.Equal(overdue, c.IsOverdue(at));
            Assert.Equal(overdue, AsQuery(ComplaintRules.OverdueAt(at), c));
            Assert.Equal(!overdue, AsQuery(ComplaintRules.NotOverdueAt(at), c));
            Assert.False(ComplaintRules.IsAcceptLate(c.Status, c.DueAtUtc, at));
            var standing = Deadlines.Standing(Workflow.Calendar, due, at, ComplaintRules.DeadlineKindOf(c.Status));
            Assert.Equal((overdue, words), (standing.Late, standing.Text));
        }
        Assert.Null(ComplaintRules.RunningDeadline(ComplaintStatus.UnderReview));
        Assert.Null(ComplaintRules.RunningDeadline("no-such-status"));
    }

    [Fact]
    public void An_open_notice_is_neither_answered_nor_withdrawn_and_open_to_the_unit_it_was_issued_to()
    {
        var c = Lodge(Utc("2026-11-25T02:00:00"));
        Do(c, "assign", Supervisor, Utc("2026-11-25T03:00:00"), new { unitCode = "jyt" }, Education);
        Do(c, "supervise", Supervisor, Utc("2026-11-25T04:00:00"), new { reason = "请按期办理", workingDays = 3 }, number: "DB-2026-0001");
        var notice = Assert.Single(c.SupervisionNotices);
        var due = notice.DueAtUtc;

        Assert.True(notice.IsOpen);
        Assert.True(AsQuery<SupervisionNotice>(n => n.IsOpen, notice));
        Assert.True(notice.IsOpenTo(Education.Id));
        Assert.False(notice.IsOpenTo(Education.Id + 1));
        Assert.True(AsQuery<SupervisionNotice>(n => n.IsOpenTo(Education.Id), notice));
        Assert.False(AsQuery<SupervisionNotice>(n => n.IsOpenTo(Education.Id + 1), notice));
        Assert.False(notice.IsOverdue(due.AddTicks(-1)));
        Assert.True(notice.IsOverdue(due));
        Assert.True(AsQuery<SupervisionNotice>(n => n.IsOverdue(due), notice));
        // Inside a complaint query, as the inbox asks it.
        Assert.True(AsQuery<Complaint>(x => x.SupervisionNotices.Any(n => n.IsOpenTo(Education.Id)), c));

        Do(c, "answer-supervision", Handler, Utc("2026-11-26T03:00:00"), new { answer = "已整改到位" });
        Assert.False(notice.IsOpen);
        Assert.False(AsQuery<SupervisionNotice>(n => n.IsOpen, notice));
        Assert.False(notice.IsOpenTo(Education.Id));
        Assert.False(notice.IsOverdue(due.AddDays(3)));
        Assert.False(AsQuery<SupervisionNotice>(n => n.IsOverdue(due.AddDays(3)), notice));
        Assert.False(AsQuery<Complaint>(x => x.SupervisionNotices.Any(n => n.IsOpen), c));
    }

    [Fact]
    public void Only_a_supervisor_sees_the_complainant()
    {
        Assert.True(WorkflowRoles.SeesComplainant(WorkflowRoles.Supervisor));
        Assert.False(WorkflowRoles.SeesComplainant(WorkflowRoles.UnitHandler));
        Assert.False(WorkflowRoles.SeesComplainant(WorkflowRoles.System));
        Assert.False(WorkflowRoles.SeesComplainant(WorkflowRoles.Complainant));
        Assert.False(WorkflowRoles.SeesComplainant(null));
        Assert.False(WorkflowRoles.SeesComplainant("Supervisor")); // a staff role name is not a workflow role
    }

    [Fact]
    public void A_rule_marked_for_queries_without_its_expression_is_refused()
    {
        var broken = typeof(NamedRuleTests).GetMethod(nameof(Broken), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        Assert.Throws<InvalidOperationException>(() => QueryRules.RuleOf(broken));
        Assert.Null(QueryRules.RuleOf(typeof(NamedRuleTests).GetMethod(nameof(Lodge), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!));
    }

    [ExpandedInQueries("NoSuchField")]
    private static bool Broken() => true;
}
