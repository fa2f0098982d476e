using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>
/// 督办通知: a formal supervision notice a supervisor issues to the unit handling a complaint, with its own
/// number and reply deadline in working days. A typed row (not timeline JSON) so that the 督办台, the inbox
/// and the evaluation can count open and overdue notices in SQL. Changed only through <see cref="Complaint"/>.
/// </summary>
public sealed partial class SupervisionNotice
{
    private SupervisionNotice()
    {
        Number = Reason = IssuedBy = string.Empty;
    }

    public long Id { get; private set; }

    public long ComplaintId { get; private set; }

    /// <summary>督办编号, <c>DB-2026-0001</c>; unique.</summary>
    public string Number { get; private set; }

    /// <summary>The unit the notice was issued to (the case may later move).</summary>
    public int UnitId { get; private set; }

    public string Reason { get; private set; }

    public DateTime IssuedAtUtc { get; private set; }

    /// <summary>The supervisor's user id.</summary>
    public string IssuedBy { get; private set; }

    /// <summary>The reply deadline: 24:00 China time of the last working day given.</summary>
    public DateTime DueAtUtc { get; private set; }

    public int WorkingDays { get; private set; }

    public DateTime? AnsweredAtUtc { get; private set; }

    public string? Answer { get; private set; }

    public string? AnsweredBy { get; private set; }

    /// <summary>When the sweep recorded that the reply deadline passed unanswered; set once, so the notice escalates once.</summary>
    public DateTime? OverdueFiredAtUtc { get; private set; }

    /// <summary>The reminder before the reply deadline has fired (or was passed over by a late sweep); once per deadline.</summary>
    public bool ReminderSent { get; private set; }

    /// <summary>The escalation level (1 overdue … 3) of this notice's reply deadline reached and notified; 0 before it.</summary>
    public int EscalationLevelNotified { get; private set; }

    /// <summary>
    /// 撤销: the case left the unit the notice was issued to (transfer, or a return to intake approved) before it
    /// answered. The notice is closed with a timeline event; a supervisor issues a new one to the new unit if needed.
    /// </summary>
    public DateTime? WithdrawnAtUtc { get; private set; }

    /// <summary>
    /// 中止: when the case was suspended with this notice open and not yet late, its reply deadline stands still with the
    /// case's; null when it runs. A paused notice is never overdue; the resume moves its deadline on
    /// (<see cref="Resume"/>), so the suspension neither makes it late nor counts against the unit.
    /// </summary>
    public DateTime? PausedAtUtc { get; private set; }

    /// <summary>
    /// The one "open 督办 notice" rule: neither answered nor withdrawn. Queries say <c>n.IsOpen</c> too: the data
    /// layer writes <see cref="IsOpenExpression"/> in its place (<see cref="QueryRules.Expand"/>).
    /// </summary>
    [ExpandedInQueries(nameof(IsOpenExpression))]
    public bool IsOpen => IsOpenRule(this);

    /// <summary>The body of <see cref="IsOpen"/>, for SQL.</summary>
    public static readonly Expression<Func<SupervisionNotice, bool>> IsOpenExpression = n => n.AnsweredAtUtc == null && n.WithdrawnAtUtc == null;

    private static readonly Func<SupervisionNotice, bool> IsOpenRule = IsOpenExpression.Compile();

    /// <summary>Open, and issued to <paramref name="unitId"/>: what that unit still has to answer.</summary>
    [ExpandedInQueries(nameof(IsOpenToExpression))]
    public bool IsOpenTo(int unitId) => IsOpenToRule(this, unitId);

    /// <summary>The body of <see cref="IsOpenTo"/>, for SQL.</summary>
    public static readonly Expression<Func<SupervisionNotice, int, bool>> IsOpenToExpression = (n, unitId) => n.IsOpen && n.UnitId == unitId;

    private static readonly Func<SupervisionNotice, int, bool> IsOpenToRule = IsOpenToExpression.Compile();

    /// <summary>Whether the notice is open and its reply deadline has passed.</summary>
    [ExpandedInQueries(nameof(IsOverdueExpression))]
    public bool IsOverdue(DateTime nowUtc) => IsOverdueRule(this, nowUtc);

    /// <summary>The body of <see cref="IsOverdue"/>, for SQL.</summary>
    public static readonly Expression<Func<SupervisionNotice, DateTime, bool>> IsOverdueExpression =
        (n, nowUtc) => n.IsOpen && n.PausedAtUtc == null && Deadlines.Late(nowUtc, n.DueAtUtc);

    private static readonly Func<SupervisionNotice, DateTime, bool> IsOverdueRule = IsOverdueExpression.Compile();

    internal static SupervisionNotice Issue(string number, int unitId, string reason, string issuedBy, int workingDays, DateTime dueAtUtc, DateTime nowUtc)
    {
        if (!IsValidNumber(number))
        {
            throw new ArgumentException($"'{number}' is not a supervision notice number (DB-<year>-<4 digits>).", nameof(number));
        }
        return new SupervisionNotice
        {
            Number = number,
            UnitId = unitId,
            Reason = reason,
            IssuedBy = issuedBy,
            IssuedAtUtc = nowUtc,
            WorkingDays = workingDays,
            DueAtUtc = dueAtUtc,
        };
    }

    internal void Answered(string answer, string? by, DateTime nowUtc)
    {
        Answer = answer;
        AnsweredBy = by;
        AnsweredAtUtc = nowUtc;
    }

    internal void ReminderFired() => ReminderSent = true;

    /// <summary>Records that <paramref name="level"/> fired; level 1 is the reply deadline itself.</summary>
    internal void LevelFired(int level, DateTime nowUtc)
    {
        EscalationLevelNotified = level;
        if (level == 1)
        {
            OverdueFiredAtUtc = nowUtc;
        }
    }

    internal void Withdraw(DateTime nowUtc) => WithdrawnAtUtc = nowUtc;

    /// <summary>The case was suspended: the reply deadline stands still, unless it had already passed (then it stays late).</summary>
    internal void Pause(DateTime nowUtc)
    {
        if (IsOpen && PausedAtUtc is null && !Deadlines.Late(nowUtc, DueAtUtc))
        {
            PausedAtUtc = nowUtc;
        }
    }

    /// <summary>
    /// The case resumed: the reply deadline restarts with the whole working days that were left at the pause, counted
    /// from now — the rule of the case's own deadline (<see cref="Complaint.ResumedDeadline"/>).
    /// </summary>
    internal void Resume(WorkingDayCalendar calendar, DateTime nowUtc)
    {
        if (PausedAtUtc is { } since)
        {
            DueAtUtc = Complaint.ResumedDeadline(calendar, DueAtUtc, since, nowUtc);
            PausedAtUtc = null;
        }
    }

    /// <summary>A new reply deadline (recounted with a newly uploaded calendar) has timers of its own.</summary>
    internal void Recount(DateTime dueAtUtc, DateTime? pausedAtUtc)
    {
        DueAtUtc = dueAtUtc;
        PausedAtUtc = pausedAtUtc;
        ReminderSent = false;
        EscalationLevelNotified = 0;
        OverdueFiredAtUtc = null;
    }

    /// <summary>DB-&lt;year&gt;-&lt;n&gt;, at least four digits (a busy year may pass 9999).</summary>
    public static string FormatNumber(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"DB-{year:D4}-{sequence:D4}");

    public static bool IsValidNumber(string? number) => number is not null && NumberPattern().IsMatch(number);

    [GeneratedRegex(@"^DB-\d{4}-\d{4,}$")]
    private static partial Regex NumberPattern();
}
