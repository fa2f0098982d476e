using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        private async Task<List<ItemView>> ViewsAsync(int year, IReadOnlyList<RectificationItem> items, DateOnly today, CancellationToken ct)
        {
            if (items.Count == 0)
            {
                return [];
            }
            var unitIds = items.Select(i => i.UnitId).Distinct().ToList();
            var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
            var ids = items.Select(i => (long?)i.Id).ToList();
            var evidence = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.Owner == EvaluationFileOwner.RectificationEvidence && ids.Contains(f.OwnerId))
                .GroupBy(f => f.OwnerId).Select(g => new { Id = g.Key!.Value, Count = g.Count() })
                .ToDictionaryAsync(x => x.Id, x => x.Count, ct);
            var origins = await OriginsAsync(year, items, ct);
            return items.Select(i => new ItemView(i.Id, year, units[i.UnitId].Code, units[i.UnitId].Name, i.Source, RectificationSources.LabelOf(i.Source) ?? i.Source,
                    origins.GetValueOrDefault(i.Id), i.Problem, i.Measures, i.Owner, i.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    RectificationStatuses.CodeOf(i.Status), RectificationStatuses.LabelOf(i.Status), RectificationRules.IsOverdue(i, today),
                    evidence.GetValueOrDefault(i.Id), i.CreatedAtUtc, i.CompletedAtUtc, i.VerifiedAtUtc))
                .ToList();
        }

        private async Task<Dictionary<long, OriginView>> OriginsAsync(int year, IReadOnlyList<RectificationItem> items, CancellationToken ct)
        {
            var result = new Dictionary<long, OriginView>();
            var complaintIds = items.Where(i => i.ComplaintId is not null).Select(i => i.ComplaintId!.Value).Distinct().ToList();
            // Only the tracking number: the ledger is read by the unit, and the complaint page applies its own privacy rule.
            var complaints = complaintIds.Count == 0 ? [] : await db.Complaints.AsNoTracking().Where(c => complaintIds.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, c => c.TrackingNumber, ct);
            var inspectionIds = items.Where(i => i.InspectionId is not null).Select(i => i.InspectionId!.Value).Distinct().ToList();
            var inspections = inspectionIds.Count == 0 ? [] : await db.Inspections.AsNoTracking().Where(x => inspectionIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.VisitedOn, x.Covert }, ct);
            var deductionIds = items.Where(i => i.DeductionId is not null).Select(i => i.DeductionId!.Value).Distinct().ToList();
            var deductions = deductionIds.Count == 0 ? [] : await db.Deductions.AsNoTracking().Where(x => deductionIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.Points, x.RecordedAtUtc }, ct);
            var responseIds = items.Where(i => i.ResponseId is not null).Select(i => i.ResponseId!.Value).Distinct().ToList();
            var responses = responseIds.Count == 0 ? [] : await db.EvaluationResponses.AsNoTracking().Where(x => responseIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.Rating, x.CreatedAtUtc }, ct);
            foreach (var i in items)
            {
                if (i.ComplaintId is { } c && complaints.TryGetValue(c, out var number))
                {
                    result[i.Id] = new OriginView(number, $"直通车反映 {number}", "/staff/complaints/" + Uri.EscapeDataString(number));
                }
                else if (i.InspectionId is { } n && inspections.TryGetValue(n, out var inspection))
                {
                    result[i.Id] = new OriginView(n.ToString(CultureInfo.InvariantCulture),
                        $"{inspection.VisitedOn:yyyy-MM-dd} {(inspection.Covert ? "暗访" : "明察")}（检查记录 {n}）", null);
                }
                else if (i.DeductionId is { } d && deductions.TryGetValue(d, out var deduction))
                {
                    var unit = await db.Units.AsNoTracking().Where(u => u.Id == i.UnitId).Select(u => u.Code).FirstAsync(ct);
                    result[i.Id] = new OriginView(d.ToString(CultureInfo.InvariantCulture),
                        $"{ChinaTime.DateOf(deduction.RecordedAtUtc):yyyy-MM-dd} 扣 {deduction.Points} 分（扣分记录 {d}）",
                        $"/staff/evaluation/deductions?year={year}&unit={unit}#deduction-{d}");
                }
                else if (i.ResponseId is { } r && responses.TryGetValue(r, out var response))
                {
                    result[i.Id] = new OriginView(r.ToString(CultureInfo.InvariantCulture),
                        $"{ChinaTime.DateOf(response.CreatedAtUtc):yyyy-MM-dd} 群众评价：{RatingLabel(response.Rating)}（评价 {r}）", null);
                }
            }
            return result;
        }

        private static string RatingLabel(string code) => code switch
        {
            "satisfied" => "满意",
            "basically-satisfied" => "基本满意",
            "dissatisfied" => "不满意",
            _ => code,
        };

        private async Task<Dictionary<string, string>> EmailsAsync(IEnumerable<string> ids, CancellationToken ct)
        {
            var list = ids.Distinct().ToList();
            return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? "", ct);
        }
    }
}
