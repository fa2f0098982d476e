using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision;

/// <summary>
/// 督办台: what the supervisors chase — overdue cases (<see cref="ComplaintRules.OverdueAt"/>, the one rule),
/// submitted cases past their 受理期限 (the supervisors' own lateness: not 超期, not in the chart) and
/// cases with an unanswered 督办 notice, grouped by unit, with working days overdue, escalation level and the
/// open notices. The page, the chart and its PNG all read this.
/// </summary>
public static class GetSupervisionDesk
{
    public static readonly IReadOnlyDictionary<string, string> Sorts = new Dictionary<string, string>
    {
        ["overdue"] = "超期天数",
        ["level"] = "督办等级",
        ["count"] = "超期件数",
        ["unit"] = "单位名称",
    };

    public sealed record OpenNotice(string Number, DateTime DueAtUtc, bool Overdue);

    public sealed record CaseRow(
        string TrackingNumber, string Title, DateTime? DueAtUtc, bool Overdue, int WorkingDaysOverdue, int Level,
        IReadOnlyList<OpenNotice> Notices, string ETag, bool WithUnit, bool UrgeAllowed, bool SuperviseAllowed)
    {
        /// <summary>The deadline's standing in words (<see cref="Deadlines.Standing"/>), as every page and mail shows it.</summary>
        public string? Standing { get; init; }

        /// <summary>A submitted case past its 受理期限: the supervisors have not accepted or declined it in time.</summary>
        public bool AcceptLate { get; init; }
    }

    /// <param name="Listed">How many of <paramref name="Cases"/>, from the first, the page lists (the rest are only counted).</param>
    public sealed record UnitGroup(string UnitCode, string UnitName, IReadOnlyList<CaseRow> Cases, int Listed)
    {
        public int Unlisted => Cases.Count - Listed;

        public int OverdueCount => Cases.Count(c => c.Overdue);

        public int AcceptLateCount => Cases.Count(c => c.AcceptLate);

        public int MaxWorkingDaysOverdue => Cases.Select(c => c.WorkingDaysOverdue).DefaultIfEmpty(0).Max();

        public int MaxLevel => Cases.Select(c => c.Level).DefaultIfEmpty(0).Max();

        public int OpenNotices => Cases.Sum(c => c.Notices.Count);
    }

    /// <summary>
    /// <c>Supervision:MaxCasesShown</c>: the cases the board lists, most pressing first (the counts cover all).
    /// <c>Supervision:ChartUnits</c>: the units the page's chart draws, most overdue cases first (the PNG draws all).
    /// </summary>
    public sealed class Options
    {
        public int MaxCasesShown { get; set; } = 200;

        public int ChartUnits { get; set; } = 20;
    }

    /// <param name="MaxCasesShown">
    /// How many cases the page lists, in its order; the units after that show their counts and a link to their list.
    /// At provincial scale (895 overdue cases in 200 units at a million complaints) listing every one with its
    /// 催办/督办 forms made a 2.8 MB page that took 80–145 ms to build and render; a phone needs the most pressing ones.
    /// </param>
    public sealed record Board(string Sort, IReadOnlyList<UnitGroup> Units, int MaxCasesShown = int.MaxValue)
    {
        public int HiddenCases => Units.Sum(u => u.Unlisted);

        public int OverdueCases => Units.Sum(u => u.OverdueCount);

        public int AcceptLateCases => Units.Sum(u => u.AcceptLateCount);

        public int EscalatedCases => Units.Sum(u => u.Cases.Count(c => c.Level >= 2));

        public int OpenNotices => Units.Sum(u => u.OpenNotices);
    }

    public sealed class Handler(PingYiDbContext db, WorkflowRuntime workflows, TimeProvider time, Options options)
    {
        public async Task<Board> HandleAsync(string? sort, CancellationToken ct)
        {
            sort = sort is not null && Sorts.ContainsKey(sort) ? sort : "overdue";
            var now = time.GetUtcNow().UtcDateTime;
            var overdueIds = await db.Complaints.AsNoTracking().Where(ComplaintRules.OverdueAt(now)).Select(c => c.Id).ToListAsync(ct);
            var supervisedIds = await db.SupervisionNotices.AsNoTracking().Where(n => n.IsOpen).Select(n => n.ComplaintId).Distinct().ToListAsync(ct);
            var acceptLateIds = await db.Complaints.AsNoTracking().Where(ComplaintRules.AcceptLateAt(now)).Select(c => c.Id).ToListAsync(ct);
            var ids = overdueIds.Union(supervisedIds).Union(acceptLateIds).ToList();
            var complaints = ids.Count == 0 ? [] : await db.Complaints.AsNoTracking()
                .Include(c => c.SupervisionNotices.Where(n => n.IsOpen))
                .Where(c => ids.Contains(c.Id))
                .ToListAsync(ct);
            var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToDictionaryAsync(u => u.Id, ct);

            var byNumber = complaints.ToDictionary(c => c.TrackingNumber, StringComparer.Ordinal);
            var rows = complaints.Select(c =>
            {
                var workflow = workflows.For(c);
                var overdue = c.IsOverdue(now);
                var acceptLate = ComplaintRules.IsAcceptLate(c.Status, c.DueAtUtc, now);
                var standing = c.DueAtUtc is { } due && (c.Status == ComplaintStatus.Assigned || acceptLate)
                    ? Deadlines.Standing(workflow.Calendar, due, now, ComplaintRules.DeadlineKindOf(c.Status))
                    : null;
                var row = new CaseRow(
                    c.TrackingNumber, c.Title, c.DueAtUtc, overdue,
                    standing?.WorkingDaysOverdue ?? 0,
                    // The level read from the calendar; the sweep's stored level catches up within a minute.
                    Math.Max(c.EscalationLevel(workflow, now), overdue ? c.EscalationLevelNotified : 0),
                    c.SupervisionNotices.Where(n => c.UnitId is { } unitId && n.IsOpenTo(unitId)).OrderBy(n => n.DueAtUtc)
                        .Select(n => new OpenNotice(n.Number, n.DueAtUtc, n.IsOverdue(now))).ToList(),
                    Complaints.Handling.GetStaffComplaint.ETagFor(c.Version),
                    c.Status == ComplaintStatus.Assigned,
                    UrgeAllowed: false, SuperviseAllowed: false) { Standing = standing?.Text, AcceptLate = acceptLate };
                return (c.UnitId, Row: row);
            }).ToList();

            var grouped = rows.GroupBy(r => r.UnitId).Select(g =>
            {
                // A late case 待确定单位 (not accepted yet, no unit chosen) is grouped apart, under that name.
                var unit = g.Key is { } unitId ? units.GetValueOrDefault(unitId) : null;
                var all = g.Select(r => r.Row);
                var cases = sort == "level"
                    ? all.OrderByDescending(c => c.Level).ThenByDescending(c => c.WorkingDaysOverdue)
                    : all.OrderByDescending(c => c.WorkingDaysOverdue).ThenByDescending(c => c.Level);
                return new UnitGroup(unit?.Code ?? string.Empty, unit?.Name ?? (g.Key is null ? ComplaintTexts.UnitUndetermined : string.Empty), cases.ThenBy(c => c.TrackingNumber, StringComparer.Ordinal).ToList(), 0);
            });
            var groups = sort switch
            {
                "level" => grouped.OrderByDescending(g => g.MaxLevel).ThenByDescending(g => g.MaxWorkingDaysOverdue),
                "count" => grouped.OrderByDescending(g => g.OverdueCount).ThenByDescending(g => g.OpenNotices),
                "unit" => grouped.OrderBy(g => g.UnitCode, StringComparer.Ordinal),
                _ => grouped.OrderByDescending(g => g.MaxWorkingDaysOverdue).ThenByDescending(g => g.MaxLevel),
            };
            // The first MaxCasesShown cases in the page's order are listed. Which quick actions a case offers is the
            // workflow's answer (a state machine per case): asked only for those.
            var left = options.MaxCasesShown;
            var board = groups.ThenBy(g => g.UnitCode, StringComparer.Ordinal).Select(g =>
            {
                var listed = Math.Min(left, g.Cases.Count);
                left -= listed;
                var cases = g.Cases.Select((row, i) =>
                {
                    if (i >= listed)
                    {
                        return row;
                    }
                    var c = byNumber[row.TrackingNumber];
                    var actions = c.PermittedActions(workflows.For(c), PingYi.Domain.Workflow.WorkflowRoles.Supervisor, now).Select(a => a.Code).ToHashSet();
                    return row with { UrgeAllowed = actions.Contains("urge"), SuperviseAllowed = actions.Contains("supervise") };
                }).ToList();
                return g with { Cases = cases, Listed = listed };
            }).ToList();
            return new Board(sort, board, options.MaxCasesShown);
        }
    }
}
