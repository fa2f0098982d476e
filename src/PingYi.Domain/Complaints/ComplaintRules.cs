using System.Linq.Expressions;

namespace PingYi.Domain.Complaints;

/// <summary>
/// The rules that lists, inboxes, dashboards and scores all ask of complaints, each written once as an
/// expression so that EF Core translates the same rule to SQL everywhere (and <see cref="Complaint.IsOverdue"/>
/// answers it in memory).
/// </summary>
public static class ComplaintRules
{
    /// <summary>Overdue is not a state: an assigned case whose deadline passed with no response.</summary>
    public static Expression<Func<Complaint, bool>> OverdueAt(DateTime nowUtc) =>
        c => c.Status == ComplaintStatus.Assigned && c.DueAtUtc != null && c.DueAtUtc <= nowUtc;

    /// <summary>The negation of <see cref="OverdueAt"/>, for the "not overdue" filter.</summary>
    public static Expression<Func<Complaint, bool>> NotOverdueAt(DateTime nowUtc) =>
        c => !(c.Status == ComplaintStatus.Assigned && c.DueAtUtc != null && c.DueAtUtc <= nowUtc);
}
