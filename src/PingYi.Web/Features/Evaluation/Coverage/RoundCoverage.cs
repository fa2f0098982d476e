using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation.Appeals;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Coverage;

/// <summary>
/// 评议覆盖情况: every unit × source of a round — responses received, inspections made, cases counted — and the
/// self-evaluation milestones; the units a source is missing for with the scheme's rule for it (approval lists them
/// and the approver confirms); liaison groups that leave a unit without a liaison rater and units no inspector has
/// visited (flagged while the round is open); units whose source scores disagree sharply (inspection candidates).
/// </summary>
public static class RoundCoverage
{
    /// <summary>Two source scores of one unit this far apart (0–100 scale) make it a candidate for an inspection.</summary>
    public const double DisagreementPoints = 30;

    /// <param name="Count">Responses received, inspections made, or (channel) handling rounds counted.</param>
    /// <param name="Score">The source's live score (0–100), null when the unit has none from it.</param>
    public sealed record SourceCell(bool Applies, int Count, double? Score, bool Missing);

    public sealed record MilestoneCell(string Code, string Label, bool Filed, bool Late);

    public sealed record UnitRow(string UnitCode, string Name, string Category, IReadOnlyDictionary<string, SourceCell> Sources,
        IReadOnlyList<MilestoneCell> Milestones);

    /// <param name="Rule">What the scheme does when this source is missing for a unit.</param>
    public sealed record SourceColumn(string Code, string Label, double Weight, string Counts, string Rule);

    public sealed record MissingLine(string UnitCode, string Name, string Source, string SourceLabel, string Rule);

    public sealed record UnitFlag(string UnitCode, string Name, string Reason);

    /// <summary>The two source scores furthest apart for one unit.</summary>
    public sealed record Disagreement(string UnitCode, string Name, string HighSource, string HighLabel, double HighScore,
        string LowSource, string LowLabel, double LowScore, double Gap);

    /// <param name="FlagsActive">The round is open: the liaison and inspection gaps can still be closed.</param>
    public sealed record View(int Year, string Status, int SchemeVersion, bool FlagsActive, double DisagreementPoints,
        IReadOnlyList<SourceColumn> Sources, IReadOnlyList<UnitRow> Units, IReadOnlyList<MissingLine> Missing,
        IReadOnlyList<UnitFlag> NoLiaisonRater, IReadOnlyList<UnitFlag> NotInspected, IReadOnlyList<Disagreement> Disagreements);

    private sealed record RoundUnit(int UnitId, string UnitCode, string Name);

    /// <summary>An open round's liaison and inspection gaps, as the 督办台 lists them.</summary>
    public sealed record OpenRoundFlags(int Year, IReadOnlyList<UnitFlag> NoLiaisonRater, IReadOnlyList<UnitFlag> NotInspected);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, ScoringResults results, IAuthorizationService authorization)
    {
        /// <summary>
        /// The gaps of the open rounds of <paramref name="years"/> (<see cref="StaffRounds.Handler.OpenYearsAsync"/>) the caller may
        /// manage; a round without a gap, or no longer open, is left out. The coverage page's rule (<see cref="FlagsOf"/>) over
        /// the same counts, without the live scores the page also shows: the 督办台 must not recompute the round's results.
        /// </summary>
        public async Task<IReadOnlyList<OpenRoundFlags>> OpenFlagsAsync(IEnumerable<int> years, ClaimsPrincipal user, CancellationToken ct)
        {
            var flags = new List<OpenRoundFlags>();
            foreach (var year in years)
            {
                if (await AuthorizedAsync(year, user, ct) is not { Value: { Round.Status: RoundStatus.Open } round })
                {
                    continue;
                }
                var units = (await db.Units.AsNoTracking().Where(u => u.Active).Select(u => new { u.Id, u.Code, u.Name, u.Category }).ToListAsync(ct))
                    .OrderBy(u => u.Category).ThenBy(u => u.Code, StringComparer.Ordinal).Select(u => new RoundUnit(u.Id, u.Code, u.Name));
                var (noLiaison, notInspected) = FlagsOf(round.Definition, units, await CountsAsync(round.Round, ct), await LiaisonRatersAsync(round.Definition, ct));
                if (noLiaison.Count > 0 || notInspected.Count > 0)
                {
                    flags.Add(new OpenRoundFlags(year, noLiaison, notInspected));
                }
            }
            return flags;
        }

        public async Task<Result<View>> HandleAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await AuthorizedAsync(year, user, ct);
            return found.Succeeded ? await ComputeAsync(found.Value!, ct) : found.Failure!;
        }

        private async Task<Result<RoundContext>> AuthorizedAsync(int year, ClaimsPrincipal user, CancellationToken ct) =>
            (await authorization.AuthorizeAsync(user, new RoundTarget(year), RoundRequirement.Manage)).Succeeded
                ? await rounds.FindAsync(year, ct)
                : RequestFailure.Forbidden("无权查看评议覆盖情况", "$", "只有纪检监察工委可以查看评议覆盖情况。");

        /// <summary>The coverage of a round, without the authorization check (approval reads it).</summary>
        public async Task<View> ComputeAsync(RoundContext round, CancellationToken ct)
        {
            var definition = round.Definition;
            var live = await results.LiveAsync(round, ct);
            var counts = await CountsAsync(round.Round, ct);
            var filings = await FilingsAsync(round.Round.Id, ct);
            var raters = await LiaisonRatersAsync(definition, ct);
            var columns = definition.Sources.Select(s => new SourceColumn(s.Code, s.Label, s.Weight, CountsLabel(s.Input), RuleOf(definition, s))).ToList();
            var rows = new List<UnitRow>();
            foreach (var u in live.Inputs.OrderBy(i => i.Category).ThenBy(i => i.UnitCode, StringComparer.Ordinal))
            {
                var scores = live.Results.Find(u.UnitCode)?.Sources ?? new Dictionary<string, double?>();
                var cells = definition.Sources.ToDictionary(s => s.Code, s =>
                {
                    var applies = s.Code != EvaluationCodes.ServiceHall || u.ServiceHall;
                    var count = s.Code == EvaluationCodes.Channel ? u.Channel?.Facts.HandlingRounds ?? 0 : counts.GetValueOrDefault((u.UnitId, s.Code));
                    var score = scores.GetValueOrDefault(s.Code);
                    return new SourceCell(applies, count, score, applies && (count == 0 || score is null));
                });
                rows.Add(new UnitRow(u.UnitCode, u.Name, UnitCategories.Codes.LabelOf(u.Category), cells, definition.Milestones.Select(m =>
                {
                    var filed = filings.TryGetValue((u.UnitId, m.Code), out var at);
                    return new MilestoneCell(m.Code, m.Label, filed, filed && Ledger.SelfEvaluation.IsLate(definition, m.Code, at));
                }).ToList()));
            }
            var labels = definition.Sources.ToDictionary(s => s.Code, s => s.Label);
            var missing = rows.SelectMany(r => r.Sources.Where(c => c.Value.Missing)
                    .Select(c => new MissingLine(r.UnitCode, r.Name, c.Key, labels[c.Key], columns.Single(col => col.Code == c.Key).Rule)))
                .ToList();
            var (noLiaison, notInspected) = FlagsOf(definition, live.Inputs.OrderBy(i => i.Category).ThenBy(i => i.UnitCode, StringComparer.Ordinal)
                .Select(u => new RoundUnit(u.UnitId, u.UnitCode, u.Name)), counts, raters);
            var disagreements = rows.Select(r => DisagreementOf(r, labels)).OfType<Disagreement>().OrderByDescending(d => d.Gap).ToList();
            return new View(definition.Year, RoundStatuses.CodeOf(round.Round.Status), round.Round.SchemeVersion, round.Round.Status == RoundStatus.Open,
                DisagreementPoints, columns, rows, missing, noLiaison, notInspected, disagreements);
        }

        /// <summary>
        /// A source missing for some units is never silently re-weighted: approval lists every unit where the scheme's rule
        /// applied, and answers 409 with that list until the approver confirms it (<c>confirmCoverage: true</c>).
        /// </summary>
        /// <returns>The confirmed list (for the audit record), or the refusal.</returns>
        public async Task<Result<IReadOnlyList<MissingLine>>> ConfirmMissingAsync(RoundContext round, bool confirmed, CancellationToken ct)
        {
            var view = await ComputeAsync(round, ct);
            if (view.Missing.Count == 0 || confirmed)
            {
                return Result<IReadOnlyList<MissingLine>>.From(view.Missing);
            }
            var lines = view.Missing.Select(m => $"{m.Name}：缺少“{m.SourceLabel}”——{m.Rule}").ToList();
            return new RequestFailure(FailureKind.Conflict, "请确认评议缺项单位", new Dictionary<string, string[]>
            {
                ["confirmCoverage"] = [$"有 {view.Missing.Count} 处单位缺少评议来源，将按方案规则处理。请核对评议覆盖情况后确认（confirmCoverage: true）再审定。", .. lines],
            });
        }

        /// <summary>
        /// Units in no liaison group, or whose groups have no usable account; units no inspector has visited (when the scheme
        /// has the inspectors' source). One rule for the coverage page and the 督办台.
        /// </summary>
        private static (List<UnitFlag> NoLiaison, List<UnitFlag> NotInspected) FlagsOf(EvaluationRoundDefinition definition, IEnumerable<RoundUnit> units,
            IReadOnlyDictionary<(int UnitId, string Source), int> counts, IReadOnlyDictionary<string, List<string>> raters)
        {
            var inspected = definition.FindSource(EvaluationCodes.Inspectors) is not null;
            var noLiaison = new List<UnitFlag>();
            var notInspected = new List<UnitFlag>();
            foreach (var u in units)
            {
                if (raters.GetValueOrDefault(u.UnitCode) is not { } groups || groups.Count == 0)
                {
                    noLiaison.Add(new UnitFlag(u.UnitCode, u.Name, raters.ContainsKey(u.UnitCode)
                        ? "所在党建联系片没有可用的评议账号（账号不存在、已停用或未绑定党建联系片来源）"
                        : "不在任何党建联系片的联系单位名单中"));
                }
                if (inspected && counts.GetValueOrDefault((u.UnitId, EvaluationCodes.Inspectors)) == 0)
                {
                    notInspected.Add(new UnitFlag(u.UnitCode, u.Name, "本年度尚无明察暗访检查记录"));
                }
            }
            return (noLiaison, notInspected);
        }

        private static Disagreement? DisagreementOf(UnitRow row, IReadOnlyDictionary<string, string> labels)
        {
            var scored = row.Sources.Where(c => c.Value.Score is not null).Select(c => (Source: c.Key, Score: c.Value.Score!.Value)).ToList();
            if (scored.Count < 2)
            {
                return null;
            }
            var high = scored.MaxBy(s => s.Score);
            var low = scored.MinBy(s => s.Score);
            var gap = ScoreRounding.Round(high.Score - low.Score);
            return gap < DisagreementPoints ? null
                : new Disagreement(row.UnitCode, row.Name, high.Source, labels[high.Source], ScoreRounding.Round(high.Score), low.Source, labels[low.Source], ScoreRounding.Round(low.Score), gap);
        }

        /// <summary>
        /// Responses (confirmed ones; public answers included) and inspections per unit and source, as the scores count
        /// them: without those an upheld appeal took out (a unit whose only inspection was taken out is not inspected).
        /// </summary>
        private async Task<Dictionary<(int UnitId, string Source), int>> CountsAsync(EvaluationRound round, CancellationToken ct)
        {
            var (roundId, year) = (round.Id, round.Year);
            var responses = await db.EvaluationResponses.AsNoTracking().Where(r => r.RoundId == roundId && !r.AwaitingConfirmation).NotTakenOut(db, year)
                .GroupBy(r => new { r.UnitId, r.Source }).Select(g => new { g.Key.UnitId, g.Key.Source, Count = g.Count() }).ToListAsync(ct);
            var inspections = await db.Inspections.AsNoTracking().Where(i => i.RoundId == roundId).NotTakenOut(db, year)
                .GroupBy(i => i.UnitId).Select(g => new { UnitId = g.Key, Count = g.Count() }).ToListAsync(ct);
            var counts = responses.ToDictionary(r => (r.UnitId, r.Source), r => r.Count);
            foreach (var i in inspections)
            {
                counts[(i.UnitId, EvaluationCodes.Inspectors)] = i.Count;
            }
            return counts;
        }

        /// <summary>The first upload of each unit's self-evaluation document per milestone.</summary>
        private async Task<Dictionary<(int UnitId, string Milestone), DateTime>> FilingsAsync(int roundId, CancellationToken ct) =>
            (await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.RoundId == roundId && f.Owner == EvaluationFileOwner.SelfEvaluationDocument && f.UnitId != null && f.Milestone != null)
                .GroupBy(f => new { f.UnitId, f.Milestone }).Select(g => new { g.Key.UnitId, g.Key.Milestone, First = g.Min(f => f.UploadedAtUtc) })
                .ToListAsync(ct))
            .ToDictionary(f => (f.UnitId!.Value, f.Milestone!), f => f.First);

        /// <summary>Per unit named by a liaison group: the groups with at least one usable liaison account (active Evaluator bound to liaison).</summary>
        private async Task<Dictionary<string, List<string>>> LiaisonRatersAsync(EvaluationRoundDefinition definition, CancellationToken ct)
        {
            var emails = definition.Liaison.SelectMany(g => g.Accounts).Select(e => e.ToUpperInvariant()).Distinct().ToList();
            var evaluatorRole = db.Roles.Where(r => r.Name == StaffRoles.Evaluator).Select(r => r.Id);
            var usable = (await db.Users.AsNoTracking()
                    .Where(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail) && !u.Disabled && u.EvaluationSource == EvaluationCodes.Liaison
                        && db.UserRoles.Any(ur => ur.UserId == u.Id && evaluatorRole.Contains(ur.RoleId)))
                    .Select(u => u.NormalizedEmail!).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            var byUnit = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var group in definition.Liaison)
            {
                var rates = group.Accounts.Any(a => usable.Contains(a.ToUpperInvariant()));
                foreach (var unit in group.Units)
                {
                    var list = byUnit.TryGetValue(unit, out var l) ? l : byUnit[unit] = [];
                    if (rates)
                    {
                        list.Add(group.Name);
                    }
                }
            }
            return byUnit;
        }
    }

    private static string CountsLabel(SourceInput input) => input switch
    {
        SourceInput.Inspection => "检查次数",
        SourceInput.Computed => "计入案件数",
        SourceInput.PublicSurvey => "收到答卷数",
        _ => "收到评议表数",
    };

    /// <summary>The scheme's rule for a unit without this source (the scoring re-weights; the channel follows <c>channel.noCases</c>).</summary>
    public static string RuleOf(EvaluationRoundDefinition definition, SourceDefinition source) =>
        source.Code == EvaluationCodes.Channel
            ? definition.Channel.NoCasesPolicy == ChannelRates.CategoryMean
                ? "无案件的单位计同类单位直通车平均分（方案 channel.noCases = category-mean）"
                : "无案件的单位不计直通车得分，其余来源按权重比例重新分配（方案 channel.noCases = exclude）"
            : "该来源无评议数据的单位不计此项，其余来源按权重比例重新分配（docs/scoring.md）";
}

public static class RoundCoverageApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/evaluations/{year:int}/coverage", (int year, HttpContext http, RoundCoverage.Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetEvaluationCoverage")
            .WithSummary("评议覆盖情况：各单位各来源的评议数量、缺项单位及其规则、需关注的单位")
            .Produces<RoundCoverage.View>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}
