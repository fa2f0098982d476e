using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>
/// The progress line on <c>/track</c>: 提交 → 受理 → 办理 → 审核 → 评价 → 办结, which steps are done,
/// which one the case is at, and what the citizen may expect of it (working days left, the rating window).
/// </summary>
public static class Progress
{
    public enum StepState
    {
        Done,
        Current,
        Ahead,
        /// <summary>The case ended here without the remaining steps (不予受理).</summary>
        Stopped,
    }

    public sealed record Step(string Label, StepState State, string? Note);

    public static readonly IReadOnlyList<string> Labels = ["提交", "受理", "办理", "审核", "评价", "办结"];

    public static IReadOnlyList<Step> For(LookupComplaint.View c, WorkingDayCalendar calendar, DateTime nowUtc)
    {
        var current = c.Status switch
        {
            ComplaintStatus.Submitted or ComplaintStatus.Declined => 1,
            ComplaintStatus.Assigned or ComplaintStatus.Suspended or ComplaintStatus.Merged => 2,
            ComplaintStatus.UnderReview => 3,
            ComplaintStatus.AwaitingFeedback => 4,
            _ => Labels.Count, // closed: every step done
        };
        var steps = new List<Step>(Labels.Count);
        for (var i = 0; i < Labels.Count; i++)
        {
            if (c.Status == ComplaintStatus.Declined && i >= 1)
            {
                steps.Add(i == 1 ? new Step("不予受理", StepState.Stopped, "本件不予受理，原因见下方办理过程。") : new Step(Labels[i], StepState.Ahead, null));
                continue;
            }
            var state = i < current || (i == Labels.Count - 1 && c.Status == ComplaintStatus.Closed) ? StepState.Done
                : i == current ? StepState.Current : StepState.Ahead;
            steps.Add(new Step(Labels[i], state, state == StepState.Current ? NoteFor(c, calendar, nowUtc) : null));
        }
        return steps;
    }

    private static string? NoteFor(LookupComplaint.View c, WorkingDayCalendar calendar, DateTime nowUtc)
    {
        if (c.Suspension is { } s)
        {
            return $"本件中止办理，办理期限暂停计算。中止理由：{s.Reason}；需要您配合的事项：{s.Expected}。您在本页补充材料后，本件自动恢复办理"
                + (s.ResumesBy is { } by ? $"；最迟于 {Domain.Common.ChinaTime.FormatDeadline(by)} 自动恢复办理。" : "。");
        }
        if (c.Status == ComplaintStatus.Merged)
        {
            return ComplaintTexts.Merged;
        }
        if (c.Status == ComplaintStatus.AwaitingFeedback)
        {
            if (c.Satisfaction == Satisfaction.Dissatisfied)
            {
                return ComplaintStatuses.DissatisfiedAwaitingSupervisors + "。";
            }
            return c.FeedbackDueAtUtc is { } until
                ? $"请在 {Domain.Common.ChinaTime.FormatDeadline(until)} 前评价，逾期未评价的，本件自动办结。"
                : null;
        }
        if (c.DueAtUtc is not { } due)
        {
            return c.Status == ComplaintStatus.UnderReview ? "承办单位已报告办理情况，纪检监察工委正在审核。" : null;
        }
        var kind = ComplaintRules.DeadlineKindOf(c.Status);
        var accept = kind == DeadlineKind.Accept;
        var standing = Deadlines.Standing(calendar, due, nowUtc, kind);
        var deadline = Domain.Common.ChinaTime.FormatDeadline(due);
        return $"{(accept ? "受理期限" : "办理期限")} {deadline}，{standing.Text}{(standing.Late && !accept ? "，纪检监察工委正在督办" : "")}。";
    }
}
