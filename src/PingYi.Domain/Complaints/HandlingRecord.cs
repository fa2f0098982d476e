using PingYi.Domain.Calendar;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Complaints;

/// <summary>What started a handling attempt.</summary>
public enum HandlingStart
{
    /// <summary>交办: the first unit of the case (or the next one after a return was approved).</summary>
    Assign = 1,

    /// <summary>转办: another unit takes the case over.</summary>
    Transfer = 2,

    /// <summary>重新交办: the case was reopened (不满意, or a supervisor within the window).</summary>
    Reopen = 3,

    /// <summary>退回重办: the answer was sent back; same round, a new rework deadline.</summary>
    Rework = 4,
}

/// <summary>How a handling attempt ended (it stays current — open to the rating, a reopen — until one of these).</summary>
public enum HandlingEnd
{
    Transferred = 1,
    Returned = 2,
    SentBack = 3,
    Reopened = 4,
}

/// <summary>
/// One row of the typed, append-only handling record: one deadline a unit had to meet on one complaint.
/// <see cref="Round"/> numbers the handling rounds of the complaint (each assign, transfer or reopen starts one);
/// <see cref="Attempt"/> numbers the answers within a round (a send-back starts attempt 2, 3 …). The aggregate
/// appends a row when a deadline starts and fills in the row of the current attempt as the case moves
/// (response, review, rating, return requests, 督办); once a later row starts or the round ends
/// (<see cref="EndedAtUtc"/>), the row never changes again. Every fact carries its time, so a score can count
/// exactly what had happened by a cut-off. The unit is the one that held the case then: a transfer ends the
/// old unit's row (its lateness counted up to the transfer) and starts a row for the new one.
/// </summary>
public sealed class HandlingRecord
{
    private HandlingRecord()
    {
    }

    public long Id { get; private set; }

    public long ComplaintId { get; private set; }

    /// <summary>1-based handling round of the complaint.</summary>
    public int Round { get; private set; }

    /// <summary>1-based answer within the round (2+ after 退回重办).</summary>
    public int Attempt { get; private set; }

    public int UnitId { get; private set; }

    public HandlingStart StartedBy { get; private set; }

    /// <summary>When the unit was handed the case for this round (the same on every attempt of the round): decides the evaluation round it counts in.</summary>
    public DateTime AssignedAtUtc { get; private set; }

    /// <summary>When this attempt's deadline started (the assignment, or the send-back for a rework attempt).</summary>
    public DateTime StartedAtUtc { get; private set; }

    /// <summary>
    /// The deadline, approved extensions and 中止 included: a resume moves it by the suspended time; while the case is
    /// suspended (<see cref="SuspendedAtUtc"/>) it holds the latest deadline the resume can give (a resume when the
    /// longest suspension ends), so the one lateness rule never counts suspended time as overdue.
    /// </summary>
    public DateTime DueAtUtc { get; private set; }

    /// <summary>The deadline as first set, before any extension.</summary>
    public DateTime InitialDueAtUtc { get; private set; }

    /// <summary>签收期限 of the round (workflow v3 on; on the round's first attempt only); null when none ran.</summary>
    public DateTime? SignDueAtUtc { get; private set; }

    /// <summary>When the unit signed for the case (or answered it unsigned, which signs it then); null until then.</summary>
    public DateTime? SignedAtUtc { get; private set; }

    public int ExtensionsGranted { get; private set; }

    /// <summary>中止 approved during this attempt (workflow v4).</summary>
    public int Suspensions { get; private set; }

    /// <summary>When the 中止 in force began; null unless the case is suspended now.</summary>
    public DateTime? SuspendedAtUtc { get; private set; }

    public int ExtensionWorkingDays { get; private set; }

    /// <summary>办理情况报告 of this attempt; null until the unit responds.</summary>
    public DateTime? RespondedAtUtc { get; private set; }

    /// <summary>When the deadline stopped running for this unit: its response, or the transfer or approved return that took the case away.</summary>
    public DateTime? StoppedAtUtc { get; private set; }

    /// <summary>Whether it stopped at or after the deadline (a late response, or a transfer of an overdue case).</summary>
    public bool Late { get; private set; }

    /// <summary>Working days past the deadline when it stopped (the calendar's <see cref="WorkingDayCalendar.WorkingDaysOverdue"/>).</summary>
    public int WorkingDaysLate { get; private set; }

    /// <summary>审核通过 and the supervisor's quality rating (1–5).</summary>
    public DateTime? ApprovedAtUtc { get; private set; }

    public int? QualityRating { get; private set; }

    /// <summary>The complainant's rating of this attempt's outcome, kept even when a reopen follows.</summary>
    public Satisfaction? Satisfaction { get; private set; }

    public DateTime? RatedAtUtc { get; private set; }

    /// <summary>The complainant's 问题是否解决 given with the rating (null: not asked then, or not answered).</summary>
    public Resolution? Resolution { get; private set; }

    /// <summary>回访: when a supervisor last called the complainant about this attempt's answer (null: never).</summary>
    public DateTime? CallbackAtUtc { get; private set; }

    /// <summary>Whether that call reached the complainant (未能联系: false). A reached call is kept over later unreached ones.</summary>
    public bool? CallbackReached { get; private set; }

    /// <summary>What the complainant said on a reached call: counts in the channel score when they did not rate.</summary>
    public Satisfaction? CallbackSatisfaction { get; private set; }

    public Resolution? CallbackResolution { get; private set; }

    /// <summary>申请退回 made during this attempt, and how many of them a supervisor rejected.</summary>
    public int ReturnRequests { get; private set; }

    public int ReturnsRejected { get; private set; }

    public DateTime? LastReturnRejectedAtUtc { get; private set; }

    /// <summary>督办 notices issued during this attempt, and the answers given during it (in time or late).</summary>
    public int SupervisionNotices { get; private set; }

    public int SupervisionAnsweredInTime { get; private set; }

    public int SupervisionAnsweredLate { get; private set; }

    /// <summary>When the attempt ended; null while it is the case's current attempt.</summary>
    public DateTime? EndedAtUtc { get; private set; }

    public HandlingEnd? EndedBy { get; private set; }

    public bool IsCurrent => EndedAtUtc is null;

    internal static HandlingRecord Start(int round, int attempt, int unitId, HandlingStart startedBy, DateTime assignedAtUtc, DateTime startedAtUtc, DateTime dueAtUtc,
        DateTime? signDueAtUtc = null) => new()
    {
        SignDueAtUtc = signDueAtUtc,
        Round = round,
        Attempt = attempt,
        UnitId = unitId,
        StartedBy = startedBy,
        AssignedAtUtc = assignedAtUtc,
        StartedAtUtc = startedAtUtc,
        DueAtUtc = dueAtUtc,
        InitialDueAtUtc = dueAtUtc,
    };

    internal void Extended(DateTime newDueUtc, int workingDays)
    {
        ExtensionsGranted++;
        ExtensionWorkingDays += workingDays;
        DueAtUtc = newDueUtc;
    }

    /// <summary>同意中止: the clock stops; until the resume the deadline is the latest one it can give.</summary>
    internal void Suspended(DateTime nowUtc, DateTime latestResumedDueUtc)
    {
        Suspensions++;
        SuspendedAtUtc = nowUtc;
        DueAtUtc = latestResumedDueUtc;
    }

    /// <summary>恢复办理: the deadline restarts with the working days that were left.</summary>
    internal void Resumed(DateTime newDueUtc)
    {
        SuspendedAtUtc = null;
        DueAtUtc = newDueUtc;
    }

    /// <summary>A recount after a calendar upload moved the running deadline.</summary>
    internal void Recounted(DateTime newDueUtc)
    {
        if (StoppedAtUtc is null)
        {
            DueAtUtc = newDueUtc;
        }
    }

    internal void Responded(DateTime nowUtc, WorkingDayCalendar calendar)
    {
        RespondedAtUtc = nowUtc;
        Stop(nowUtc, calendar);
    }

    /// <summary>签收 (or an answer standing for it): kept once, and only on a row with a signing deadline.</summary>
    internal void Signed(DateTime nowUtc)
    {
        if (SignDueAtUtc is not null && SignedAtUtc is null)
        {
            SignedAtUtc = nowUtc;
        }
    }

    /// <summary>A recount after a calendar upload moved the signing deadline of an unsigned round.</summary>
    internal void SignRecounted(DateTime newDueUtc)
    {
        if (SignDueAtUtc is not null && SignedAtUtc is null)
        {
            SignDueAtUtc = newDueUtc;
        }
    }

    /// <summary>A 回访 call about this attempt's answer; a reached call's answer is kept, a later unreached one does not undo it.</summary>
    internal void CalledBack(DateTime nowUtc, Satisfaction? satisfaction, Resolution? resolution)
    {
        if (CallbackReached == true && satisfaction is null)
        {
            return;
        }
        CallbackAtUtc = nowUtc;
        CallbackReached = satisfaction is not null;
        CallbackSatisfaction = satisfaction;
        CallbackResolution = resolution;
    }

    internal void Approved(DateTime nowUtc, int? qualityRating)
    {
        ApprovedAtUtc = nowUtc;
        QualityRating = qualityRating;
    }

    internal void Rated(DateTime nowUtc, Satisfaction satisfaction, Resolution? resolution = null)
    {
        Satisfaction = satisfaction;
        Resolution = resolution;
        RatedAtUtc = nowUtc;
    }

    internal void ReturnRequested() => ReturnRequests++;

    internal void ReturnRejected(DateTime nowUtc)
    {
        ReturnsRejected++;
        LastReturnRejectedAtUtc = nowUtc;
    }

    internal void Supervised() => SupervisionNotices++;

    internal void SupervisionAnswered(bool inTime)
    {
        if (inTime)
        {
            SupervisionAnsweredInTime++;
        }
        else
        {
            SupervisionAnsweredLate++;
        }
    }

    /// <summary>Ends the attempt; a transfer or return also stops its clock, so lateness up to then counts against this unit.</summary>
    internal void End(DateTime nowUtc, HandlingEnd how, WorkingDayCalendar calendar)
    {
        Stop(nowUtc, calendar);
        EndedAtUtc = nowUtc;
        EndedBy = how;
    }

    private void Stop(DateTime nowUtc, WorkingDayCalendar calendar)
    {
        if (StoppedAtUtc is not null)
        {
            return;
        }
        StoppedAtUtc = nowUtc;
        Late = Deadlines.Late(nowUtc, DueAtUtc);
        WorkingDaysLate = Late ? calendar.WorkingDaysOverdue(DueAtUtc, nowUtc) : 0;
    }
}
