using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Scoring;

namespace PingYi.Web.Features.Evaluation.Deductions;

/// <summary>What a deduction cites, as the page, the inputs, the 得分说明 and the breakdown API show it.</summary>
/// <param name="Kind"><c>complaint</c>, <c>inspection</c> or <c>ledger-item</c>.</param>
/// <param name="Ref">The tracking number of a complaint, the record number of an inspection or a ledger item.</param>
/// <param name="Label">What it is, for people: 直通车反映 ZTC-2020-000123, 明察暗访 2020-10-14 暗访（记录 12）, 整改台账事项 5：…</param>
/// <param name="Inspection">The inspection whose finding it punishes (the cited one, or the one the cited ledger item was made from).</param>
public sealed record CitationView(string Kind, string Ref, string Label, long? Inspection);

/// <summary>
/// A deduction cites what it punishes (issue 22 item 5): a complaint about the unit that counts in the round (by the
/// round's <c>countIn</c> rule, as the channel counts it), an inspection of the unit in the round, or a ledger item of
/// the unit in the round. Checked here on recording; described here for every view.
/// </summary>
public static class DeductionCitations
{
    private static string KindList => string.Join("、", DeductionCitation.Kinds.Select(k => $"{k.Code}（{k.Label}）"));

    /// <summary>The cited record, checked to be the unit's and the round's; errors under <c>cites</c> and <c>citesRef</c>.</summary>
    public static async Task<DeductionCitation?> ResolveAsync(PingYiDbContext db, EvaluationRoundDefinition definition, int roundId, int? unitId,
        string? kind, string? reference, ValidationErrors errors, CancellationToken ct)
    {
        kind = kind?.Trim();
        reference = Text.Clean(reference, multiline: false);
        if (DeductionCitation.LabelOf(kind) is null)
        {
            errors.Add("cites", string.IsNullOrWhiteSpace(kind)
                ? $"请选择扣分针对的事项：{KindList}。每项扣分都要注明所处罚的事项。"
                : $"扣分针对的事项只能是：{KindList}。");
            return null;
        }
        if (reference is null)
        {
            errors.Add("citesRef", kind == DeductionCitation.Complaint ? "请填写所处罚的直通车反映的受理编号。" : $"请填写所处罚的{DeductionCitation.LabelOf(kind)}的记录编号。");
            return null;
        }
        if (unitId is not { } unit)
        {
            return null;
        }
        if (kind == DeductionCitation.Complaint)
        {
            var number = reference.ToUpperInvariant();
            var complaintId = await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
            // The unit's case in this round: one of its handling rounds counts in the round's year (countIn).
            var inRound = complaintId is { } cid && await ChannelScoresFromRecord.CountedIn(
                db.HandlingRecords.AsNoTracking().Where(r => r.ComplaintId == cid && r.UnitId == unit), definition).AnyAsync(ct);
            if (!inRound)
            {
                errors.Add("citesRef", $"该单位 {definition.Year} 年度没有受理编号为“{reference}”的直通车反映（须是交由该单位办理、计入本年度的反映）。");
                return null;
            }
            return new DeductionCitation(kind!, complaintId!.Value);
        }
        if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            errors.Add("citesRef", $"{DeductionCitation.LabelOf(kind)}应填记录编号（数字）。");
            return null;
        }
        var exists = kind == DeductionCitation.Inspection
            ? await db.Inspections.AnyAsync(i => i.Id == id && i.RoundId == roundId && i.UnitId == unit, ct)
            : await db.RectificationItems.AnyAsync(i => i.Id == id && i.RoundId == roundId && i.UnitId == unit, ct);
        if (!exists)
        {
            errors.Add("citesRef", $"该单位 {definition.Year} 年度没有编号为 {id} 的{DeductionCitation.LabelOf(kind)}记录。");
            return null;
        }
        return new DeductionCitation(kind!, id);
    }

    /// <summary>Each deduction's citation described (a few queries for all of them); a deduction without one is absent.</summary>
    public static async Task<IReadOnlyDictionary<long, CitationView>> DescribeAsync(PingYiDbContext db, IReadOnlyCollection<Deduction> deductions, CancellationToken ct)
    {
        var complaintIds = deductions.Where(d => d.CitedComplaintId != null).Select(d => d.CitedComplaintId!.Value).Distinct().ToList();
        var inspectionIds = deductions.Where(d => d.CitedInspectionId != null).Select(d => d.CitedInspectionId!.Value).Distinct().ToList();
        var itemIds = deductions.Where(d => d.CitedLedgerItemId != null).Select(d => d.CitedLedgerItemId!.Value).Distinct().ToList();
        var complaints = complaintIds.Count == 0 ? [] : await db.Complaints.AsNoTracking().Where(c => complaintIds.Contains(c.Id))
            .Select(c => new { c.Id, c.TrackingNumber }).ToDictionaryAsync(c => c.Id, c => c.TrackingNumber, ct);
        var inspections = inspectionIds.Count == 0 ? [] : await db.Inspections.AsNoTracking().Where(i => inspectionIds.Contains(i.Id))
            .Select(i => new { i.Id, i.VisitedOn, i.Covert }).ToDictionaryAsync(i => i.Id, ct);
        var items = itemIds.Count == 0 ? [] : await db.RectificationItems.AsNoTracking().Where(i => itemIds.Contains(i.Id))
            .Select(i => new { i.Id, i.Problem, i.InspectionId }).ToDictionaryAsync(i => i.Id, ct);
        var views = new Dictionary<long, CitationView>();
        foreach (var d in deductions)
        {
            var view = d.Cites switch
            {
                { Kind: DeductionCitation.Complaint, Id: var c } when complaints.TryGetValue(c, out var number) =>
                    new CitationView(DeductionCitation.Complaint, number, $"直通车反映 {number}", null),
                { Kind: DeductionCitation.Inspection, Id: var i } when inspections.TryGetValue(i, out var visit) =>
                    new CitationView(DeductionCitation.Inspection, N(i), $"明察暗访 {visit.VisitedOn:yyyy-MM-dd} {(visit.Covert ? "暗访" : "明察")}（记录 {N(i)}）", i),
                { Kind: DeductionCitation.LedgerItem, Id: var l } when items.TryGetValue(l, out var item) =>
                    new CitationView(DeductionCitation.LedgerItem, N(l), $"整改台账事项 {N(l)}：{Shorten(item.Problem)}", item.InspectionId),
                _ => null,
            };
            if (view is not null)
            {
                views[d.Id] = view;
            }
        }
        return views;
    }

    private static string N(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
