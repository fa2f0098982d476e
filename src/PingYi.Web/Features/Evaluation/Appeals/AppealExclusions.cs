using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;

namespace PingYi.Web.Features.Evaluation.Appeals;

/// <summary>
/// The inputs an upheld appeal (申诉) took out of a round (<see cref="EvaluationExclusion"/>), left out of a query of
/// that input: one rule for the scores, the breakdown, the coverage page and the deduction checks.
/// </summary>
public static class AppealExclusions
{
    public static IQueryable<EvaluationResponse> NotTakenOut(this IQueryable<EvaluationResponse> responses, PingYiDbContext db, int year) =>
        responses.Where(r => !db.EvaluationExclusions.Any(x => x.Year == year && x.Kind == AppealKind.Rating && x.TargetId == r.Id));

    public static IQueryable<Inspection> NotTakenOut(this IQueryable<Inspection> inspections, PingYiDbContext db, int year) =>
        inspections.Where(i => !db.EvaluationExclusions.Any(x => x.Year == year && x.Kind == AppealKind.Inspection && x.TargetId == i.Id));

    public static IQueryable<Deduction> NotTakenOut(this IQueryable<Deduction> deductions, PingYiDbContext db, int year) =>
        deductions.Where(d => !db.EvaluationExclusions.Any(x => x.Year == year && x.Kind == AppealKind.Deduction && x.TargetId == d.Id));

    /// <summary>核减: a complaint taken out of one unit's channel tally (wrong unit, malicious, duplicate).</summary>
    public static IQueryable<HandlingRecord> NotTakenOut(this IQueryable<HandlingRecord> records, PingYiDbContext db, int year) =>
        records.Where(r => !db.EvaluationExclusions.Any(x => x.Year == year && x.Kind == AppealKind.Complaint && x.UnitId == r.UnitId && x.TargetId == r.ComplaintId));
}
