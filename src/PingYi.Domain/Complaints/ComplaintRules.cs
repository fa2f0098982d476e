using System.Linq.Expressions;
using PingYi.Domain.Calendar;

namespace PingYi.Domain.Complaints;

/// <summary>
/// The rules that lists, inboxes, dashboards and scores all ask of complaints, each written once as an
/// expression so that EF Core translates the same rule to SQL everywhere (and <see cref="Complaint.IsOverdue"/>
/// answers it in memory). The deadline boundary itself is <see cref="Deadlines.Late(DateTime, DateTime?)"/>, inlined
/// into SQL by <see cref="Deadlines.Expand"/>.
/// </summary>
public static class ComplaintRules
{
    /// <summary>Overdue is not a state: an assigned case whose deadline passed with no response.</summary>
    public static Expression<Func<Complaint, bool>> OverdueAt(DateTime nowUtc) =>
        c => c.Status == ComplaintStatus.Assigned && Deadlines.Late(nowUtc, c.DueAtUtc);

    /// <summary>The negation of <see cref="OverdueAt"/>, for the "not overdue" filter.</summary>
    public static Expression<Func<Complaint, bool>> NotOverdueAt(DateTime nowUtc) =>
        c => !(c.Status == ComplaintStatus.Assigned && Deadlines.Late(nowUtc, c.DueAtUtc));
}
