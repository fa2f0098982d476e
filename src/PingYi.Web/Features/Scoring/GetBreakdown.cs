using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Evaluation.Appeals;
using PingYi.Web.Features.Evaluation.Deductions;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// Why a unit scores and ranks as it does: each source's score with the inputs behind it — the rating counts,
/// the inspections and their findings, the channel score's facts and its handling rounds (on time or overdue),
/// the deductions with their reasons. A unit's handlers read their own; Supervisors and Admins every unit's.
/// </summary>
public static class GetBreakdown
{
    /// <param name="EffectiveWeight">The weight after re-weighting over the sources the unit has (0 when it has no score from it).</param>
    /// <param name="Points">Effective weight × score: the source's part of the weighted score (the points add up to it).</param>
    public sealed record SourceLine(string Source, string Label, double Weight, double EffectiveWeight, double? Score, double? Points, bool Applies);

    public sealed record RatingLine(string Source, string Label, IReadOnlyDictionary<string, int> Counts, int Total, double? Score);

    /// <summary>One option of the satisfaction scale and the score it gives (满意 100, 基本满意 80, 不满意 0 in 2026).</summary>
    public sealed record ScaleLine(string Code, string Label, double Score);

    /// <summary>An inspection: its rating's score less its findings' severity points (floored at 0) = <see cref="Score"/>.</summary>
    /// <param name="SeverityWaivedBy">
    /// The deduction that punishes its findings instead (the round's <c>findingPunishedBy</c> is <c>deduction</c>): the
    /// severity points are then not taken off, and <see cref="Score"/> is the rating's score. Null: they are.
    /// </param>
    public sealed record InspectionLine(string Date, bool Covert, string Rating, double RatingScore, double SeverityPoints, IReadOnlyList<string> Findings, double Score)
    {
        public long Id { get; init; }

        public long? SeverityWaivedBy { get; init; }
    }

    /// <param name="Cites">What it punishes (null: recorded before deductions cited anything).</param>
    /// <param name="Counted">False when the inspection it cites already punished the finding (<c>findingPunishedBy: inspection</c>).</param>
    /// <param name="Note">Why it is not counted, for people; null when it is.</param>
    public sealed record DeductionLine(double Points, string? Rule, string? RuleLabel, string Reason, DateTime RecordedAt)
    {
        public long Id { get; init; }

        public CitationView? Cites { get; init; }

        public bool Counted { get; init; } = true;

        public string? Note { get; init; }
    }

    /// <summary>One rate of the channel score as the API and the page show it.</summary>
    public sealed record RateLine(string Label, double Numerator, double Denominator, double? Value, double Weight, double EffectiveWeight, double? Points);

    /// <summary>The channel source: its rates (keyed by rate code) and how they make its score.</summary>
    /// <param name="Score">The channel score shown (0..full marks), null when <paramref name="Excluded"/>.</param>
    /// <param name="Raw">Σ points of the rates, before the credibility weighting.</param>
    /// <param name="ShrunkTowards">The category's mean the score was drawn toward (fewer cases than <paramref name="MinCases"/>), else null.</param>
    /// <param name="Credibility">cases / minCases when drawn toward the mean, else 1.</param>
    /// <param name="Unrated">Approved answers without a rating, counted by the round's <paramref name="UnratedRule"/>.</param>
    /// <param name="CountedToUtc">The cut-off the facts and cases were counted to (the live results may be up to a minute old).</param>
    public sealed record ChannelPart(
        double? Score, bool NoCases, bool Excluded, double? Raw, double? ShrunkTowards, double Credibility, int MinCases, string CountIn,
        IReadOnlyDictionary<string, RateLine> Rates, double? MeanWorkingDaysOverdue, int OverdueCapWorkingDays, int Unrated, string UnratedRule,
        int UnratedAfterDays, double FullMarks, ChannelTally? Facts, IReadOnlyList<ChannelCaseLine> Cases, DateTime CountedToUtc)
    {
        /// <summary>Where the 满意率's answers came from: the complainants, 回访 calls, and the unrated (of them, calls that reached no one).</summary>
        public RatedByLine RatedBy { get; init; } = new(0, 0, 0, 0);
    }

    /// <param name="Complainant">Answers the complainants gave.</param>
    /// <param name="Callback">Answers a 回访 call gave for a case the complainant did not rate.</param>
    /// <param name="Unrated">Approved answers still unrated (counted by the round's <c>unrated</c> rule).</param>
    /// <param name="NotReached">Of those, the ones a 回访 call tried and did not reach (未能联系).</param>
    public sealed record RatedByLine(int Complainant, int Callback, int Unrated, int NotReached);

    /// <summary>
    /// A unit's result as shown: rank and the bottom-two, tracking-list and public-notice flags are null for a unit's
    /// own handlers until the round is published (its place among the others is the ranking, which they may not read yet).
    /// A unit with no score from any source (<see cref="Ranked"/> false, as in the rankings) has no composite: its
    /// <see cref="Score"/>, <see cref="Weighted"/> and rank are null, never 0.
    /// </summary>
    public sealed record ResultView(
        string UnitCode, string Name, UnitCategory Category, int? Rank, double? Score, double? Weighted, IReadOnlyDictionary<string, double?> Sources,
        double RecordedDeductions, double Deductions, int OverdueWorkingDays, bool? BottomTwo, bool? PreviousBottomTwo, bool Accountability,
        bool? TrackingList, bool? PublicNotice, double? Channel, bool Ranked)
    {
        public static ResultView Of(UnitResult r, bool ranked) => new(r.UnitCode, r.Name, r.Category, ranked && r.Scored ? r.Rank : null,
            r.Scored ? r.Score : null, r.Scored ? r.Weighted : null, r.Sources,
            r.RecordedDeductions, r.Deductions, r.OverdueWorkingDays, ranked ? r.BottomTwo : null, ranked ? r.PreviousBottomTwo : null, r.Accountability,
            ranked ? r.TrackingList : null, ranked ? r.PublicNotice : null, r.Channel, r.Scored);
    }

    /// <param name="RankShown">False for a unit's handlers before publication: <c>categorySize</c>, the rank and the list flags are null.</param>
    public sealed record Breakdown(
        int Year, bool Approved, string UnitCode, string UnitName, string Category, string CategoryLabel, int? CategorySize, bool RankShown,
        ResultView Result, ResultView? Live, IReadOnlyList<SourceLine> Sources, IReadOnlyList<RatingLine> Ratings,
        IReadOnlyList<InspectionLine> Inspections, IReadOnlyList<DeductionLine> Deductions, double MaxDeductions, ChannelPart Channel,
        string? AccountabilityReason, IReadOnlyList<ScaleLine> RatingScale, string Advice)
    {
        /// <summary>The version of the year's 评议方案 the unit was scored with (the round's; 1 is the shipped file).</summary>
        public int SchemeVersion { get; init; } = 1;

        /// <summary>The fingerprint of the unit's part of the approved result (its inputs); null before approval.</summary>
        public string? Fingerprint { get; init; }

        /// <summary>The approved result's fingerprint over every unit's part; null before approval.</summary>
        public string? RoundFingerprint { get; init; }
    }

    public sealed class Handler(PingYiDbContext db, Rounds rounds, ScoringResults results, IChannelScores channel, IAuthorizationService authorization)
    {
        public async Task<Result<Breakdown>> HandleAsync(int year, string? unitCode, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var round = found.Value!;
            var viewable = await ScoredUnit.FindViewableAsync(db, authorization, unitCode, user, "无权查看", "您只能查看本单位的评议得分说明。", ct);
            if (!viewable.Succeeded)
            {
                return viewable.Failure!;
            }
            var unit = viewable.Value!;
            var definition = round.Definition;
            // The round's live results (LiveResults keeps them while their inputs stay as they are): the unit's rank
            // needs every unit's score, and the same computation gives the unit's inputs. An approved round shows its
            // snapshot and the live results only as the difference (and as the inputs, which are today's).
            var computed = await results.LiveAsync(round, ct);
            var all = await results.ApprovedAsync(year, definition, ct) ?? computed.Results;
            var shown = all.Find(unit.Code);
            if (shown is null)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "单位未参评", "unitCode", $"“{unit.Name}”不在 {year} 年度评议结果中。");
            }
            // A unit's own handlers (the only others who read this) see the rank once the results are fed back to the units.
            var ranked = all.Published || all.SharedWithUnits || user.IsCommittee();
            UnitResult? live = null;
            if (all.Approved)
            {
                var now = computed.Results.Find(unit.Code);
                live = now is not null && ((ranked && now.Rank != shown.Rank) || Math.Abs(now.Score - shown.Score) > 0.001) ? now : null;
            }

            // A unit retired since the snapshot is not among the computed (active) units: it has no current inputs.
            var inputs = computed.Inputs.SingleOrDefault(i => i.UnitId == unit.Id)
                ?? new UnitInputs(unit.Id, unit.Code, unit.Name, unit.Category, unit.ServiceHall,
                    new Dictionary<string, IReadOnlyDictionary<string, int>>(), [], [], null);
            // The sources as the shown result weighed them: the points add up to its weighted score, less the deductions its composite.
            var contributions = RankingCalculator.Contributions(definition, shown.Sources);
            var sources = contributions.Select(c => new SourceLine(c.Source, definition.FindSource(c.Source)?.Label ?? c.Source, c.Weight, c.EffectiveWeight,
                shown.Sources.GetValueOrDefault(c.Source), c.Points, SourceScores.Applies(c.Source, unit.ServiceHall))).ToList();
            var ratings = ScoringResults.RatedSources.Where(s => SourceScores.Applies(s, unit.ServiceHall)).Select(s =>
            {
                var counts = inputs.Ratings.GetValueOrDefault(s) ?? new Dictionary<string, int>();
                return new RatingLine(s, definition.FindSource(s)?.Label ?? s,
                    EvaluationCodes.OverallRatings.ToDictionary(r => r, r => counts.GetValueOrDefault(r)), counts.Values.Sum(),
                    ScoreRounding.Round(SourceScores.FromRatings(definition, counts)));
            }).ToList();
            // Inputs an upheld appeal took out (EvaluationExclusions) are not listed: they no longer count.
            var inspections = await db.Inspections.AsNoTracking().Include(i => i.Findings)
                .Where(i => i.RoundId == round.Round.Id && i.UnitId == unit.Id)
                .NotTakenOut(db, year)
                .OrderBy(i => i.VisitedOn).ThenBy(i => i.Id).ToListAsync(ct);
            var deductions = await db.Deductions.AsNoTracking().Where(d => d.RoundId == round.Round.Id && d.UnitId == unit.Id)
                .NotTakenOut(db, year)
                .OrderBy(d => d.Id).ToListAsync(ct);
            var cited = await DeductionCitations.DescribeAsync(db, deductions, ct);
            // The case lines as of the cut-off the facts were counted to, so that the two agree.
            var countedTo = computed.Results.CutoffUtc;
            var cases = await channel.CasesAsync(definition, countedTo, unit.Code, ct);
            var flag = await db.AccountabilityFlags.AsNoTracking().Where(f => f.Year == year && f.UnitId == unit.Id && f.Flagged).Select(f => f.Reason).SingleOrDefaultAsync(ct);
            // The category the shown rank is in: a snapshot keeps the category the unit had when it was approved.
            var category = all.Categories.Single(c => c.Units.Any(u => u.UnitCode == unit.Code));
            var channelPart = Channel(definition, inputs.Channel, cases, countedTo);
            var fingerprint = all.Fingerprint is null ? null : await ScoredUnit.FingerprintAsync(db, year, unit.Code, ct);
            return new Breakdown(year, all.Approved, unit.Code, unit.Name, UnitCategories.Codes.CodeOf(category.Category), UnitCategories.Codes.LabelOf(category.Category),
                ranked ? category.RankedCount() : null, ranked, ResultView.Of(shown, ranked), live is null ? null : ResultView.Of(live, ranked), sources, ratings,
                inspections.Select(i => Inspection(definition, i, inputs.Inspections.FirstOrDefault(x => x.Id == i.Id)?.SeverityWaivedBy)).ToList(),
                deductions.Select(d => Deduction(definition, d, cited.GetValueOrDefault(d.Id), inputs.Deductions.FirstOrDefault(x => x.Id == d.Id)?.Counted ?? true)).ToList(),
                definition.Deductions.MaxTotalPoints, channelPart, flag,
                definition.Overall.Options.Select(o => new ScaleLine(o.Code, o.Label, o.Score)).ToList(),
                ScoreAdvice.Sentence(definition, sources, channelPart))
                { SchemeVersion = round.Round.SchemeVersion, Fingerprint = fingerprint, RoundFingerprint = all.Fingerprint };
        }

        /// <param name="waivedBy">The deduction that punishes its findings instead, as the scoring resolved it.</param>
        private static InspectionLine Inspection(EvaluationRoundDefinition definition, Inspection i, long? waivedBy)
        {
            var severities = i.Findings.Select(f => f.Severity).ToList();
            return new InspectionLine(i.VisitedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.Covert, i.Rating,
                definition.Overall.Find(i.Rating)?.Score ?? 0,
                SourceScores.SeverityPoints(definition, severities),
                i.Findings.OrderBy(f => f.Id).Select(f => $"{definition.Severities.GetValueOrDefault(f.Severity)?.Label ?? f.Severity}：{f.Description}").ToList(),
                ScoreRounding.Round(SourceScores.InspectionScore(definition, new InspectionInput(i.Rating, severities, i.Id, waivedBy))))
            {
                Id = i.Id,
                SeverityWaivedBy = waivedBy,
            };
        }

        private static DeductionLine Deduction(EvaluationRoundDefinition definition, Deduction d, CitationView? cites, bool counted) =>
            new(d.Points, d.Rule, definition.Deductions.Find(d.Rule)?.Label, d.Reason, d.RecordedAtUtc)
            {
                Id = d.Id,
                Cites = cites,
                Counted = counted,
                Note = counted ? null : "同一问题已在明察暗访中按问题严重程度扣分，按本年度评议方案不重复扣分，本条不计入得分。",
            };

        private static ChannelPart Channel(EvaluationRoundDefinition definition, ChannelUnitScore? score, IReadOnlyList<ChannelCaseLine> cases, DateTime countedTo)
        {
            var p = definition.Channel;
            var r = score?.Result;
            var rates = (r?.Rates ?? []).ToDictionary(x => x.Code,
                x => new RateLine(x.Label, x.Numerator, x.Denominator, x.Value, x.Weight, x.EffectiveWeight, x.Points), StringComparer.Ordinal);
            return new ChannelPart(r?.Score, r?.NoCases ?? true, r?.Excluded ?? true, r?.Raw, r?.ShrunkTowards, r?.Credibility ?? 0, p.MinCases, p.CountIn,
                rates, r?.MeanWorkingDaysOverdue, p.OverdueCapWorkingDays, score?.Facts.UnratedSatisfaction ?? 0, p.UnratedPolicy,
                p.UnratedAfterDays, p.FullMarks, score?.Facts, cases, countedTo)
            {
                RatedBy = score?.Facts is { } f
                    ? new RatedByLine(f.RatedByComplainant, f.RatedByCallback, f.UnratedSatisfaction, f.CallbackNotReached)
                    : new RatedByLine(0, 0, 0, 0),
            };
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/units/{unitCode}/breakdown", async (int year, string unitCode, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.HandleAsync(year, unitCode, http.User, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("GetEvaluationBreakdown")
            .WithSummary("某单位的得分说明（各来源得分及依据）")
            .Produces<Breakdown>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }
}
