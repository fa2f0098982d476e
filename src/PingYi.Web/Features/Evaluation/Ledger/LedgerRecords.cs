using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>
/// The records a new ledger item can point at (the 关联记录 picker of <c>/staff/evaluation/ledger/new</c>), grouped by
/// source; values are "source:ref". Inspections and deductions are the committee's records; a unit's handler picks
/// among the complaints the unit may see only.
/// </summary>
public static class LedgerRecords
{
    /// <summary>Most recent complaints offered in the picker; older ones are rarely put on a ledger.</summary>
    public const int ComplaintChoices = 200;

    public sealed class Handler(PingYiDbContext db)
    {
        public async Task<IReadOnlyList<(string Source, string Label, IReadOnlyList<(string Value, string Label)> Options)>> ListAsync(
            int year, string unitCode, bool supervisor, CancellationToken ct)
        {
            var unitId = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
            if (unitId is null)
            {
                return [];
            }
            var roundId = await db.EvaluationRounds.AsNoTracking().Where(r => r.Year == year).Select(r => (int?)r.Id).FirstOrDefaultAsync(ct);
            var groups = new List<(string, string, IReadOnlyList<(string, string)>)>();
            if (supervisor && roundId is { } rid)
            {
                groups.Add((RectificationSources.Inspection, "明察暗访", await InspectionsAsync(rid, unitId.Value, ct)));
                groups.Add((RectificationSources.Deduction, "扣分事项", await DeductionsAsync(rid, unitId.Value, ct)));
            }
            var cases = db.Complaints.AsNoTracking().Where(c => c.UnitId == unitId);
            if (!supervisor)
            {
                cases = cases.Where(ComplaintVisibility.ToUnit(unitId.Value));
            }
            var complaints = await cases
                .OrderByDescending(c => c.SubmittedAtUtc).Take(ComplaintChoices)
                .Select(c => new { c.TrackingNumber, c.Title })
                .ToListAsync(ct);
            groups.Add((RectificationSources.Complaint, "直通车反映", complaints
                .Select(c => ($"{RectificationSources.Complaint}:{c.TrackingNumber}", $"{c.TrackingNumber} {Shorten(c.Title)}"))
                .ToList()));
            return groups.Where(g => g.Item3.Count > 0).Select(g => (g.Item1, g.Item2, g.Item3)).ToList();
        }

        private async Task<IReadOnlyList<(string, string)>> InspectionsAsync(int roundId, int unitId, CancellationToken ct)
        {
            var inspections = await db.Inspections.AsNoTracking().Where(i => i.RoundId == roundId && i.UnitId == unitId)
                .OrderByDescending(i => i.VisitedOn).ThenByDescending(i => i.Id)
                .Select(i => new { i.Id, i.VisitedOn, i.Covert, Finding = i.Findings.OrderBy(f => f.Id).Select(f => f.Description).FirstOrDefault() })
                .ToListAsync(ct);
            return inspections
                .Select(i => ($"{RectificationSources.Inspection}:{i.Id}",
                    $"{i.VisitedOn:yyyy-MM-dd} {(i.Covert ? "暗访" : "明察")}{(i.Finding is { } f ? "：" + Shorten(f) : string.Empty)}（记录 {i.Id}）"))
                .ToList();
        }

        private async Task<IReadOnlyList<(string, string)>> DeductionsAsync(int roundId, int unitId, CancellationToken ct)
        {
            var deductions = await db.Deductions.AsNoTracking().Where(d => d.RoundId == roundId && d.UnitId == unitId)
                .OrderByDescending(d => d.RecordedAtUtc).ThenByDescending(d => d.Id)
                .Select(d => new { d.Id, d.RecordedAtUtc, d.Points, d.Reason })
                .ToListAsync(ct);
            return deductions
                .Select(d => ($"{RectificationSources.Deduction}:{d.Id}",
                    $"{ChinaTime.DateOf(d.RecordedAtUtc):yyyy-MM-dd} 扣 {d.Points.ToString(System.Globalization.CultureInfo.InvariantCulture)} 分：{Shorten(d.Reason)}（记录 {d.Id}）"))
                .ToList();
        }
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
