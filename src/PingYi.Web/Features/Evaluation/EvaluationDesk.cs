using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Features.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>What the 评议工作 page (<c>/staff/evaluation</c>) reads: the round it shows, an evaluator's units, a unit's own filing.</summary>
public static class EvaluationDesk
{
    public sealed record UnitLink(string Code, string Name, int Rated);

    public sealed class Handler(PingYiDbContext db)
    {
        /// <summary>The open round if there is one, else the latest (closed or approved): the page does not vanish at closing.</summary>
        public Task<EvaluationRound?> CurrentRoundAsync(CancellationToken ct) =>
            db.EvaluationRounds.AsNoTracking().OrderBy(r => r.Status == RoundStatus.Open ? 0 : 1).ThenByDescending(r => r.Year).FirstOrDefaultAsync(ct);

        /// <summary>The units an evaluator rates for their source (a liaison only their assigned ones), with how many they rated.</summary>
        public async Task<IReadOnlyList<UnitLink>> UnitsToRateAsync(EvaluationRound round, EvaluationRoundDefinition definition, SourceDefinition source,
            ClaimsPrincipal user, CancellationToken ct)
        {
            var units = await db.Units.AsNoTracking().Where(u => u.Active).InListOrder().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
            if (source.Code == EvaluationCodes.Liaison)
            {
                var assigned = definition.LiaisonUnitsOf(user.Email() ?? string.Empty).ToHashSet(StringComparer.Ordinal);
                units = units.Where(u => assigned.Contains(u.Code)).ToList();
            }
            var userId = user.UserId();
            var counts = await db.EvaluationResponses.AsNoTracking().Where(r => r.RoundId == round.Id && r.Source == source.Code && r.EvaluatorId == userId)
                .GroupBy(r => r.UnitId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            return units.Select(u => new UnitLink(u.Code, u.Name, counts.GetValueOrDefault(u.Id))).ToList();
        }

        /// <summary>A unit's self-evaluation milestones with its first upload to each.</summary>
        public async Task<IReadOnlyList<SelfEvaluation.MilestoneStatus>> OwnFilingAsync(EvaluationRound round, EvaluationRoundDefinition definition,
            int unitId, CancellationToken ct)
        {
            var firsts = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.RoundId == round.Id && f.UnitId == unitId && f.Owner == EvaluationFileOwner.SelfEvaluationDocument)
                .GroupBy(f => f.Milestone).Select(g => new { Milestone = g.Key, First = g.Min(f => f.UploadedAtUtc) }).ToListAsync(ct);
            return definition.Milestones.Select(m =>
            {
                var at = firsts.FirstOrDefault(f => f.Milestone == m.Code)?.First;
                return new SelfEvaluation.MilestoneStatus(m.Code, m.Label, m.Due, at,
                    at is { } a && SelfEvaluation.IsLate(definition, m.Code, a), at is null, false);
            }).ToList();
        }
    }
}
