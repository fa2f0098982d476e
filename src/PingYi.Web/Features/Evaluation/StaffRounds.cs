using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Units;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// What the evaluation staff pages look up before they call an area handler: which round a page shows and the units
/// its forms offer. The pages read through this handler rather than through the database.
/// </summary>
public static class StaffRounds
{
    /// <summary>Which round a staff page shows: the one asked for, else the latest one in the database (open or not).</summary>
    public static async Task<int?> PickAsync(PingYiDbContext db, int? year, CancellationToken ct) =>
        year ?? await db.EvaluationRounds.AsNoTracking().OrderByDescending(r => r.Year).Select(r => (int?)r.Year).FirstOrDefaultAsync(ct);

    /// <param name="SchemeVersion">The approved scheme version (the round's own once it is open).</param>
    /// <param name="Draft">A draft waits for approval.</param>
    /// <param name="Scope">The approved result's publication scope (internal, units, public); internal before approval.</param>
    public sealed record RoundRow(int Year, string? Status, int? SchemeVersion, bool Draft, bool Published, string? ReopenReason,
        string Scope = Domain.Scoring.PublicationScopes.Internal);

    public sealed class Handler(PingYiDbContext db, EvaluationRuntime runtime)
    {
        /// <summary>Every year with a stored round, a round file or a draft scheme, latest first (the 评议年度 page).</summary>
        public async Task<IReadOnlyList<RoundRow>> RoundRowsAsync(CancellationToken ct)
        {
            var stored = await db.EvaluationRounds.AsNoTracking().ToDictionaryAsync(r => r.Year, ct);
            var drafts = (await db.EvaluationSchemes.AsNoTracking().Where(s => s.Status == SchemeStatus.Draft).Select(s => s.Year).ToListAsync(ct)).ToHashSet();
            var scopes = (await db.ResultSnapshots.AsNoTracking().Select(s => new { s.Year, s.Published, s.SharedWithUnits }).ToListAsync(ct))
                .ToDictionary(s => s.Year, s => Domain.Scoring.PublicationScopes.Of(s.Published, s.SharedWithUnits));
            var years = stored.Keys.Union(runtime.Rounds.Select(r => r.Year)).Union(drafts).Order().ToList();
            return years.Select(y => stored.TryGetValue(y, out var r)
                    ? new RoundRow(y, RoundStatuses.CodeOf(r.Status), r.SchemeVersion, drafts.Contains(y),
                        scopes.GetValueOrDefault(y) == Domain.Scoring.PublicationScopes.Public, r.ReopenReason,
                        scopes.GetValueOrDefault(y) ?? Domain.Scoring.PublicationScopes.Internal)
                    : new RoundRow(y, null, runtime.VersionOf(y), drafts.Contains(y), false, null))
                .OrderByDescending(r => r.Year).ToList();
        }

        /// <inheritdoc cref="StaffRounds.PickAsync"/>
        public Task<int?> PickYearAsync(int? year, CancellationToken ct) => PickAsync(db, year, ct);

        /// <summary>The stored round of a year, if any.</summary>
        public Task<EvaluationRound?> RoundAsync(int year, CancellationToken ct) =>
            db.EvaluationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Year == year, ct);

        /// <summary>The latest open round (of the given year when one is asked for).</summary>
        public Task<EvaluationRound?> OpenRoundAsync(int? year, CancellationToken ct) =>
            db.EvaluationRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open && (year == null || r.Year == year))
                .OrderByDescending(r => r.Year).FirstOrDefaultAsync(ct);

        /// <summary>The years of the open rounds, latest first.</summary>
        public async Task<IReadOnlyList<int>> OpenYearsAsync(CancellationToken ct) =>
            await db.EvaluationRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open).OrderByDescending(r => r.Year).Select(r => r.Year).ToListAsync(ct);

        /// <summary>Active units in list order; only service-hall ones when asked, only <paramref name="own"/> unless <paramref name="all"/>.</summary>
        public async Task<IReadOnlyList<(string Code, string Name)>> UnitsAsync(bool all, int? own, bool serviceHall, CancellationToken ct)
        {
            var units = db.Units.AsNoTracking().Where(u => u.Active);
            if (serviceHall)
            {
                units = units.Where(u => u.ServiceHall);
            }
            if (!all)
            {
                units = units.Where(u => u.Id == own);
            }
            return (await units.InListOrder().Select(u => new { u.Code, u.Name }).ToListAsync(ct)).Select(u => (u.Code, u.Name)).ToList();
        }

        /// <summary>Every active unit in list order.</summary>
        public Task<IReadOnlyList<(string Code, string Name)>> UnitsAsync(CancellationToken ct) => UnitsAsync(true, null, false, ct);

        /// <summary>The name of an active unit by its exact code.</summary>
        public Task<string?> ActiveUnitNameAsync(string code, CancellationToken ct) =>
            db.Units.AsNoTracking().Where(u => u.Code == code && u.Active).Select(u => u.Name).SingleOrDefaultAsync(ct);

        /// <summary>A unit's code and name by its id (the unit must exist).</summary>
        public async Task<(string Code, string Name)> UnitAsync(int id, CancellationToken ct)
        {
            var unit = await db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Code, u.Name }).SingleAsync(ct);
            return (unit.Code, unit.Name);
        }
    }
}
