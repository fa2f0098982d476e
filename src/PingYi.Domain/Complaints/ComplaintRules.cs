using System.Linq.Expressions;
using PingYi.Domain.Calendar;
using PingYi.Domain.Common;

namespace PingYi.Domain.Complaints;

/// <summary>
/// The rules that lists, inboxes, dashboards and scores all ask of complaints, each written once as an expression:
/// in memory the rule runs that expression compiled, and a query may call it too, because the data layer writes the
/// expression in its place before EF Core translates the query (<see cref="QueryRules.Expand"/>). The deadline
/// boundary itself is <see cref="Deadlines.Late(DateTime, DateTime?)"/>.
/// </summary>
public static class ComplaintRules
{
    /// <summary>
    /// Overdue is not a state: an assigned case whose deadline passed with no response. A submitted case past its
    /// accept deadline is not overdue (<see cref="IsAcceptLate"/>): the supervisors, not the unit, are late.
    /// </summary>
    [ExpandedInQueries(nameof(IsOverdueExpression))]
    public static bool IsOverdue(ComplaintStatus status, DateTime? dueAtUtc, DateTime nowUtc) => IsOverdueRule(status, dueAtUtc, nowUtc);

    /// <summary>The body of <see cref="IsOverdue"/>, for SQL.</summary>
    public static readonly Expression<Func<ComplaintStatus, DateTime?, DateTime, bool>> IsOverdueExpression =
        (status, dueAtUtc, nowUtc) => status == ComplaintStatus.Assigned && Deadlines.Late(nowUtc, dueAtUtc);

    private static readonly Func<ComplaintStatus, DateTime?, DateTime, bool> IsOverdueRule = IsOverdueExpression.Compile();

    /// <summary>A submitted case whose accept deadline (受理期限) passed before the supervisors decided on it.</summary>
    [ExpandedInQueries(nameof(IsAcceptLateExpression))]
    public static bool IsAcceptLate(ComplaintStatus status, DateTime? dueAtUtc, DateTime nowUtc) => IsAcceptLateRule(status, dueAtUtc, nowUtc);

    /// <summary>The body of <see cref="IsAcceptLate"/>, for SQL.</summary>
    public static readonly Expression<Func<ComplaintStatus, DateTime?, DateTime, bool>> IsAcceptLateExpression =
        (status, dueAtUtc, nowUtc) => status == ComplaintStatus.Submitted && Deadlines.Late(nowUtc, dueAtUtc);

    private static readonly Func<ComplaintStatus, DateTime?, DateTime, bool> IsAcceptLateRule = IsAcceptLateExpression.Compile();

    /// <summary>Which deadline a case in <paramref name="status"/> runs, for its words (<see cref="Deadlines.Standing"/>).</summary>
    public static DeadlineKind DeadlineKindOf(ComplaintStatus status) => status == ComplaintStatus.Submitted ? DeadlineKind.Accept : DeadlineKind.Handling;

    /// <summary>The deadline running in <paramref name="status"/>: 受理期限 while submitted, 办理期限 while assigned; none otherwise.</summary>
    public static DeadlineKind? RunningDeadline(ComplaintStatus status) =>
        status is ComplaintStatus.Submitted or ComplaintStatus.Assigned ? DeadlineKindOf(status) : null;

    /// <summary><see cref="RunningDeadline(ComplaintStatus)"/> of a status code as the API writes it (<c>submitted</c>, <c>assigned</c>, …).</summary>
    public static DeadlineKind? RunningDeadline(string? statusCode) =>
        ComplaintStatuses.Codes.TryParse(statusCode, out var status) ? RunningDeadline(status) : null;

    /// <summary>The overdue cases at <paramref name="nowUtc"/> (<see cref="IsOverdue"/>), as a query filter.</summary>
    public static Expression<Func<Complaint, bool>> OverdueAt(DateTime nowUtc) => c => IsOverdue(c.Status, c.DueAtUtc, nowUtc);

    /// <summary>The negation of <see cref="OverdueAt"/>, for the "not overdue" filter.</summary>
    public static Expression<Func<Complaint, bool>> NotOverdueAt(DateTime nowUtc) => c => !IsOverdue(c.Status, c.DueAtUtc, nowUtc);

    /// <summary>The submitted cases past their accept deadline at <paramref name="nowUtc"/> (<see cref="IsAcceptLate"/>).</summary>
    public static Expression<Func<Complaint, bool>> AcceptLateAt(DateTime nowUtc) => c => IsAcceptLate(c.Status, c.DueAtUtc, nowUtc);
}
