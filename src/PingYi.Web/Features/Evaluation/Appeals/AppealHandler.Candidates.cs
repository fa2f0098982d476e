using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Appeals;

public sealed partial class AppealHandler
{
    /// <summary>An item a unit may appeal, as the filing form lists it: <c>kind:ref</c> and a readable label.</summary>
    public sealed record Candidate(string Kind, string Ref, string Label);

    /// <summary>The filing form of a unit's handler: the unit and the items it may still appeal.</summary>
    public sealed record FilingForm(string UnitCode, string UnitName, IReadOnlyList<Candidate> Items);

    /// <summary>The year a page shows: the one asked for, else the latest round.</summary>
    public async Task<int?> YearAsync(int? year, CancellationToken ct) => await StaffRounds.PickAsync(db, year, ct);

    /// <summary>
    /// What the signed-in unit handler's unit may appeal in the round: the complaints counted in its channel tally,
    /// its deductions and its inspections (rating forms are anonymous to the unit: the API takes a form's id when the
    /// committee names it). Null for anyone else.
    /// </summary>
    public async Task<FilingForm?> CandidatesAsync(int year, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await rounds.FindAsync(year, ct);
        if (!found.Succeeded || user.OwnUnit() is not { } unitId)
        {
            return null;
        }
        var round = found.Value!;
        var unit = await db.Units.AsNoTracking().SingleAsync(u => u.Id == unitId, ct);
        var appealed = (await db.Appeals.AsNoTracking().Where(a => a.RoundId == round.Round.Id && a.UnitId == unitId)
            .Select(a => new { a.Kind, a.Ref }).ToListAsync(ct)).Select(a => $"{AppealCodes.Kinds.CodeOf(a.Kind)}:{a.Ref}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var list = new List<Candidate>();
        var cases = await channel.CasesAsync(round.Definition, results.CutoffFor(round.Definition), unit.Code, ct);
        foreach (var number in cases.Select(c => c.TrackingNumber).Distinct(StringComparer.Ordinal))
        {
            list.Add(new Candidate("complaint", number, $"案件 {number}"));
        }
        var deductions = await db.Deductions.AsNoTracking().Where(d => d.RoundId == round.Round.Id && d.UnitId == unitId).OrderBy(d => d.Id)
            .Select(d => new { d.Id, d.Points, d.Reason }).ToListAsync(ct);
        list.AddRange(deductions.Select(d => new Candidate("deduction", d.Id.ToString(CultureInfo.InvariantCulture),
            $"扣分 {d.Points.ToString(CultureInfo.InvariantCulture)} 分：{(d.Reason.Length > 30 ? d.Reason[..30] + "…" : d.Reason)}")));
        var inspections = await db.Inspections.AsNoTracking().Where(i => i.RoundId == round.Round.Id && i.UnitId == unitId).OrderBy(i => i.Id)
            .Select(i => new { i.Id, i.VisitedOn, i.Covert }).ToListAsync(ct);
        list.AddRange(inspections.Select(i => new Candidate("inspection", i.Id.ToString(CultureInfo.InvariantCulture),
            $"{(i.Covert ? "暗访" : "明察")} {i.VisitedOn:yyyy-MM-dd}")));
        return new FilingForm(unit.Code, unit.Name, list.Where(c => !appealed.Contains($"{c.Kind}:{c.Ref}")).ToList());
    }
}
