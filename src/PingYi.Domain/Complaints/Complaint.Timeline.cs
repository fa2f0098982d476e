using System.Text.Json;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints.Effects;

namespace PingYi.Domain.Complaints;

// Replays of the timeline: the deadline recount after a calendar upload and the handling-record backfill.
public sealed partial class Complaint
{
    /// <summary>
    /// Counts the current deadline again from its start with <paramref name="workflow"/>'s calendar — after an
    /// Admin uploaded a year's holidays that the deadline had been counted without (Monday–Friday fallback). The
    /// start is replayed from the timeline (submitted, assigned, transferred, sent back, reopened, returned,
    /// extended), which the caller must have loaded. If the deadline moves, its timers start again and a system
    /// event says so. Returns whether it moved.
    /// </summary>
    public bool RecountDeadline(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        EnsureUtc(nowUtc);
        EnsurePinned(workflow);
        var caseMoved = RecountCaseDeadline(workflow, year, nowUtc);
        var noticesMoved = RecountSupervisionDeadlines(workflow, year, nowUtc) | RecountSignDeadline(workflow);
        if (noticesMoved)
        {
            RecomputeNextTimer(workflow);
            UpdatedAtUtc = nowUtc;
        }
        return caseMoved || noticesMoved;
    }

    /// <summary>
    /// Counts each open 督办 notice's reply deadline again from its issue with <paramref name="workflow"/>'s calendar.
    /// A moved reply deadline restarts its timers (reminder, overdue, levels) and adds an internal system event.
    /// </summary>
    private bool RecountSupervisionDeadlines(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        if (Status is not (ComplaintStatus.Assigned or ComplaintStatus.UnderReview or ComplaintStatus.Suspended))
        {
            return false;
        }
        var moved = false;
        var spans = SuspensionSpans();
        foreach (var notice in _supervisionNotices.Where(n => n.IsOpen && n.UnitId == UnitId).OrderBy(n => n.IssuedAtUtc))
        {
            var before = notice.DueAtUtc;
            var due = workflow.Calendar.DeadlineUtc(notice.IssuedAtUtc, notice.WorkingDays);
            // Each 中止 since the notice was issued, as it was applied: a notice not yet late stood still and restarted
            // with the working days it had left; one still suspended stays paused.
            DateTime? pausedAt = null;
            foreach (var (from, to) in spans.Where(s => s.From >= notice.IssuedAtUtc))
            {
                if (Deadlines.Late(from, due))
                {
                    continue;
                }
                if (to is { } resumedAt)
                {
                    due = ResumedDeadline(workflow.Calendar, due, from, resumedAt);
                }
                else
                {
                    pausedAt = from;
                }
            }
            if (due == before && pausedAt == notice.PausedAtUtc)
            {
                continue;
            }
            notice.Recount(due, pausedAt);
            moved = true;
            _events.Add(ComplaintEvent.Create(TimerActions.DeadlineRecounted, nowUtc, null, ActorRoles.System, Status, Status, publicNote: null,
                ComplaintTexts.SupervisionRecounted(year, notice.Number, due, before),
                JsonSerializer.Serialize(new { notice = notice.Number })));
        }
        return moved;
    }

    /// <summary>
    /// The deadline an action on the timeline starts, counted from <paramref name="atUtc"/>, or null if it starts
    /// none — which one is the effect table's rule (<see cref="ComplaintEffects.DeadlineStartedBy"/>), read alike
    /// by <see cref="Lodge"/>, <see cref="Perform"/> and both replays of the timeline.
    /// </summary>
    private DateTime? DeadlineStartedBy(string action, DateTime atUtc, WorkflowContext workflow)
    {
        var deadlines = workflow.Deadlines;
        return ComplaintEffects.DeadlineStartedBy(action) switch
        {
            StartedDeadline.Accept => workflow.Calendar.DeadlineUtc(atUtc, deadlines.AcceptWorkingDays),
            StartedDeadline.Handle => workflow.Calendar.DeadlineUtc(atUtc, deadlines.HandleWorkingDays(Category)),
            StartedDeadline.Rework => workflow.Calendar.DeadlineUtc(atUtc, deadlines.ReworkWorkingDays),
            _ => null,
        };
    }

    /// <summary>
    /// Walks the timeline oldest first: each event's action starts its deadline (if any) and its effect reads what
    /// the event recorded into <paramref name="replay"/>; then <paramref name="replayed"/> sees the event.
    /// </summary>
    private void ReplayTimeline(WorkflowContext workflow, TimelineReplay replay, Action<ComplaintEvent, IComplaintEffect?>? replayed = null)
    {
        foreach (var e in _events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id))
        {
            replay.BeginEvent();
            replay.Due = DeadlineStartedBy(e.Action, e.AtUtc, workflow) ?? replay.Due;
            var effect = ComplaintEffects.Find(e.Action);
            replay.SignDue = SignDeadlineStartedBy(effect, e.AtUtc, workflow);
            effect?.Replay(replay, e);
            replayed?.Invoke(e, effect);
        }
    }

    private bool RecountCaseDeadline(WorkflowContext workflow, int year, DateTime nowUtc)
    {
        if (Status is not (ComplaintStatus.Submitted or ComplaintStatus.Assigned) || DueAtUtc is not { } before)
        {
            return false;
        }
        var replay = new TimelineReplay(workflow.Calendar, UnitId, _ => null, []);
        ReplayTimeline(workflow, replay);
        if (replay.Due is not { } due || due == before)
        {
            return false;
        }
        DueAtUtc = due;
        if (Status == ComplaintStatus.Assigned)
        {
            CurrentHandling?.Recounted(due);
        }
        AcceptOverdueNotified = false;
        DeadlineReminderSent = false;
        EscalationLevelNotified = 0;
        RecomputeNextTimer(workflow);
        UpdatedAtUtc = nowUtc;
        _events.Add(ComplaintEvent.Create(TimerActions.DeadlineRecounted, nowUtc, null, ActorRoles.System, Status, Status,
            ComplaintTexts.DeadlineRecounted(year, accept: Status == ComplaintStatus.Submitted, due),
            ComplaintTexts.DeadlineRecountedBefore(before, year)));
        // The unit handling it and the complainant are told the new date (the complainant also sees the event on /track).
        if (Status == ComplaintStatus.Assigned)
        {
            Raise(NoticeKind.DeadlineRecounted, nowUtc, note: ChinaTime.FormatDeadline(before));
        }
        Raise(NoticeKind.DeadlineRecountedForComplainant, nowUtc, note: ChinaTime.FormatDeadline(before));
        return true;
    }

    /// <summary>
    /// Rebuilds the handling record of a complaint that has none yet (one handled before the record existed)
    /// by replaying its timeline, which the caller must have loaded with the 督办 notices. Deadlines are counted
    /// again from each event as <see cref="RecountDeadline"/> does; the unit of an assign or transfer comes from
    /// the event's <c>unitCode</c> through <paramref name="unitIdOf"/>. Each event's effect writes its rows as
    /// <see cref="Perform"/> does live. Returns false (and changes nothing) when rows already exist, so running it
    /// twice is harmless.
    /// </summary>
    public bool BackfillHandlingRecord(WorkflowContext workflow, Func<string, int?> unitIdOf)
    {
        EnsurePinned(workflow);
        if (_handlingRecords.Count > 0)
        {
            return false;
        }
        var answered = _supervisionNotices.Where(n => n.AnsweredAtUtc is not null).ToList();
        var replay = new TimelineReplay(workflow.Calendar, UnitId, unitIdOf, answered);
        ReplayTimeline(workflow, replay, (e, effect) => effect?.Record(this, replay.Facts(e.AtUtc), workflow.Calendar));
        return _handlingRecords.Count > 0;
    }

    // ---- the handling record, written by the effects ----

    /// <summary>
    /// A new round (assign, transfer, reopen): the current attempt, if any, ends as <paramref name="endOfCurrent"/>,
    /// and the unit of <paramref name="facts"/> starts round n+1 with the deadline after the action.
    /// </summary>
    internal void StartHandlingRound(HandlingStart start, HandlingEnd endOfCurrent, HandlingFacts facts, WorkingDayCalendar calendar)
    {
        CurrentHandling?.End(facts.AtUtc, endOfCurrent, calendar);
        var round = _handlingRecords.Count == 0 ? 1 : _handlingRecords.Max(r => r.Round) + 1;
        _handlingRecords.Add(HandlingRecord.Start(round, 1,
            facts.UnitId ?? throw new InvalidOperationException("A handling round starts with the unit the case went to."), start, facts.AtUtc, facts.AtUtc, facts.DueAfter ?? facts.AtUtc, facts.SignDueAfter));
    }

    /// <summary>退回重办: the current attempt ends as sent back and the same unit starts the next attempt of the round.</summary>
    internal void StartRework(HandlingFacts facts, WorkingDayCalendar calendar)
    {
        if (CurrentHandling is not { } current)
        {
            return;
        }
        current.End(facts.AtUtc, HandlingEnd.SentBack, calendar);
        _handlingRecords.Add(HandlingRecord.Start(current.Round, current.Attempt + 1, current.UnitId, HandlingStart.Rework,
            current.AssignedAtUtc, facts.AtUtc, facts.DueAfter ?? facts.AtUtc));
    }
}
