using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Evaluation.Ledger;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ratings;

/// <summary>
/// What has been collected for one unit in a round, per source: counts by rating and by item option, inspections,
/// deductions, documents. Supervisors also get each response (time, evaluator's account, answers); a unit's handlers
/// get aggregates only — a response's time and its text would point at the respondent (a service-hall visitor stood
/// at that unit's window) — and the free texts only once the round is closed, shuffled and without times.
/// </summary>
public static class GetInputs
{
    public sealed record ResponseView(long Id, string Rating, string? Comment, string Channel, DateTime CreatedAt, IReadOnlyDictionary<string, string?> Answers,
        string? FormReference, string? Evaluator, bool AwaitingConfirmation, bool Coded = false, string? ReviewFlag = null, string? ReviewReason = null);

    /// <summary>How many ratings one evaluator account entered for the unit (supervisors only).</summary>
    public sealed record AccountCount(string? EvaluatorId, string? Evaluator, int Count, int AwaitingConfirmation);

    /// <param name="Items">Per questionnaire item with options: how many responses chose each option.</param>
    /// <param name="Texts">Comments and text answers; for a unit only after the round is closed, in random order.</param>
    /// <param name="Responses">Each response: supervisors only (empty for a unit).</param>
    /// <param name="Count">Responses that count (confirmed); <paramref name="AwaitingConfirmation"/> more wait for a Supervisor.</param>
    /// <param name="Accounts">Per evaluator account: supervisors only (empty for a unit).</param>
    public sealed record SourceView(string Label, double Weight, int Count, IReadOnlyDictionary<string, int> Ratings, IReadOnlyList<ResponseView> Responses,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Items, IReadOnlyList<string> Texts, int AwaitingConfirmation = 0,
        IReadOnlyList<AccountCount>? Accounts = null);

    public sealed record FindingView(string Description, string Severity);

    public sealed record InspectionView(long Id, string Date, bool Covert, string Rating, IReadOnlyList<FindingView> Findings, int Photos);

    /// <param name="Cites">What the deduction punishes (null for one recorded before deductions cited anything).</param>
    public sealed record DeductionView(long Id, double Points, string Reason, string? Rule, DateTime RecordedAt, int Evidence, Deductions.CitationView? Cites);

    public sealed record DocumentView(string Id, string Milestone, string FileName, DateTime UploadedAt, bool Late);

    /// <param name="Detailed">Whether per-response rows and times are included (supervisors).</param>
    /// <param name="TextsReleased">Whether the free texts are included (supervisors always; a unit once the round is closed).</param>
    public sealed record View(
        int Year, string Status, string UnitCode, string UnitName, bool ServiceHall, bool Detailed, bool TextsReleased,
        IReadOnlyDictionary<string, SourceView?> Sources, IReadOnlyList<InspectionView> Inspections,
        SourceView UnitChannel, IReadOnlyList<DeductionView> Deductions, double DeductionTotal, IReadOnlyList<DocumentView> Documents);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization)
    {
        public async Task<Result<View>> HandleAsync(int year, string? unitCode, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var unit = await rounds.UnitAsync(unitCode, ct);
            if (unit is null)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "提交的内容有误", "unit",
                    string.IsNullOrWhiteSpace(unitCode) ? "请用 unit 参数指定单位代码。" : $"没有代码为“{unitCode}”的参评单位。");
            }
            if (!(await authorization.AuthorizeAsync(user, new UnitTarget(unit.Id), EvaluationInputsRequirement.View)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权查看", "unit", "您只能查看本单位的评议材料。");
            }
            var responses = await db.EvaluationResponses.AsNoTracking().Include(r => r.Answers)
                .Where(r => r.RoundId == round.Id && r.UnitId == unit.Id)
                .OrderBy(r => r.Id).ToListAsync(ct);
            var detailed = user.IsSupervisor();
            var textsReleased = detailed || !round.AcceptsInputs;
            var summary = new Summariser(detailed, textsReleased, await EvaluatorEmailsAsync(responses, detailed, ct));
            var sources = SourceViews(definition, unit.ServiceHall, responses, summary);
            var inspections = await db.Inspections.AsNoTracking().Include(i => i.Findings)
                .Where(i => i.RoundId == round.Id && i.UnitId == unit.Id).OrderBy(i => i.VisitedOn).ThenBy(i => i.Id).ToListAsync(ct);
            var files = await FileCountsAsync(round.Id, unit.Id, ct);
            sources[EvaluationCodes.Inspectors] = InspectionSummary(definition, inspections);
            var deductions = await db.Deductions.AsNoTracking().Where(d => d.RoundId == round.Id && d.UnitId == unit.Id).OrderBy(d => d.Id).ToListAsync(ct);
            var documents = await DocumentsAsync(round.Id, unit.Id, definition, ct);
            var cited = await Deductions.DeductionCitations.DescribeAsync(db, deductions, ct);
            return new View(year, RoundStatuses.CodeOf(round.Status), unit.Code, unit.Name, unit.ServiceHall, detailed, textsReleased, sources,
                inspections.Select(i => new InspectionView(i.Id, i.VisitedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.Covert, i.Rating,
                    i.Findings.OrderBy(f => f.Id).Select(f => new FindingView(f.Description, f.Severity)).ToList(), files(EvaluationFileOwner.InspectionPhoto, i.Id))).ToList(),
                summary.Summarise("本单位网上评议通道", 0, responses.Where(r => r.Source == EvaluationCodes.UnitChannel)),
                deductions.Select(d => new DeductionView(d.Id, d.Points, d.Reason, d.Rule, d.RecordedAtUtc, files(EvaluationFileOwner.DeductionEvidence, d.Id),
                    cited.GetValueOrDefault(d.Id))).ToList(),
                deductions.Sum(d => d.Points),
                documents);
        }

        /// <summary>The evaluator accounts' e-mail addresses, for supervisors (one query, none if nobody is named or the viewer is a unit).</summary>
        private async Task<Dictionary<string, string?>> EvaluatorEmailsAsync(List<EvaluationResponse> responses, bool detailed, CancellationToken ct)
        {
            var evaluatorIds = responses.Where(r => r.EvaluatorId != null).Select(r => r.EvaluatorId!).Distinct().ToList();
            return !detailed || evaluatorIds.Count == 0 ? new Dictionary<string, string?>()
                : await db.Users.AsNoTracking().Where(u => evaluatorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        }

        /// <summary>Per source of the round: its responses summarised, or null where the source takes none for this unit.</summary>
        private static Dictionary<string, SourceView?> SourceViews(
            EvaluationRoundDefinition definition, bool serviceHall, List<EvaluationResponse> responses, Summariser summary)
        {
            var sources = new Dictionary<string, SourceView?>(StringComparer.Ordinal);
            foreach (var s in definition.Sources)
            {
                sources[s.Code] = s.Input switch
                {
                    SourceInput.Computed => null,
                    SourceInput.PublicSurvey when !serviceHall => null,
                    _ => summary.Summarise(s.Label, s.Weight, s.Input == SourceInput.Inspection ? [] : responses.Where(r => r.Source == s.Code)),
                };
            }
            return sources;
        }

        /// <summary>The inspectors' source: its inspections counted by rating.</summary>
        private static SourceView InspectionSummary(EvaluationRoundDefinition definition, List<Inspection> inspections)
        {
            var inspectionSource = definition.FindSource(EvaluationCodes.Inspectors)!;
            return new SourceView(inspectionSource.Label, inspectionSource.Weight, inspections.Count,
                EvaluationCodes.OverallRatings.ToDictionary(c => c, c => inspections.Count(i => i.Rating == c)), [],
                new Dictionary<string, IReadOnlyDictionary<string, int>>(), []);
        }

        /// <summary>How many photos or evidence files each inspection or deduction has (one grouped query).</summary>
        private async Task<Func<EvaluationFileOwner, long, int>> FileCountsAsync(int roundId, int unitId, CancellationToken ct)
        {
            var photoCounts = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.RoundId == roundId && f.UnitId == unitId && f.Owner != EvaluationFileOwner.SelfEvaluationDocument)
                .GroupBy(f => new { f.Owner, f.OwnerId }).Select(g => new { g.Key.Owner, g.Key.OwnerId, Count = g.Count() }).ToListAsync(ct);
            return (owner, id) => photoCounts.FirstOrDefault(p => p.Owner == owner && p.OwnerId == id)?.Count ?? 0;
        }

        private async Task<List<DocumentView>> DocumentsAsync(int roundId, int unitId, EvaluationRoundDefinition definition, CancellationToken ct)
        {
            var documents = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.RoundId == roundId && f.UnitId == unitId && f.Owner == EvaluationFileOwner.SelfEvaluationDocument)
                .OrderBy(f => f.Id).Select(f => new { f.PublicId, f.Milestone, f.FileName, f.UploadedAtUtc }).ToListAsync(ct);
            return documents.Select(d => new DocumentView(d.PublicId, d.Milestone!, d.FileName,  d.UploadedAtUtc,
                SelfEvaluation.IsLate(definition, d.Milestone!, d.UploadedAtUtc))).ToList();
        }
    }

    /// <summary>
    /// Summarises a source's responses for one viewer: a supervisor (detailed) sees each response and account;
    /// a unit gets counts, and the free texts only once released, shuffled.
    /// </summary>
    private sealed class Summariser(bool detailed, bool textsReleased, Dictionary<string, string?> evaluators)
    {
        public SourceView Summarise(string label, double weight, IEnumerable<EvaluationResponse> rows)
        {
            var all = rows.ToList();
            var awaiting = all.Count(r => r.AwaitingConfirmation);
            // Unconfirmed ratings beyond the cap count nowhere; supervisors see them listed, flagged.
            var list = all.Where(r => !r.AwaitingConfirmation).ToList();
            var items = list.SelectMany(r => r.Answers).Where(a => a.Choice is not null).GroupBy(a => a.ItemCode, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.GroupBy(a => a.Choice!, StringComparer.Ordinal)
                    .ToDictionary(c => c.Key, c => c.Count(), StringComparer.Ordinal), StringComparer.Ordinal);
            return new SourceView(label, weight, list.Count,
                EvaluationCodes.OverallRatings.ToDictionary(c => c, c => list.Count(r => r.Rating == c)),
                detailed ? all.Select(ToView).ToList() : [],
                items, Texts(list), detailed ? awaiting : 0,
                detailed
                    ? all.Where(r => r.EvaluatorId != null).GroupBy(r => r.EvaluatorId)
                        .Select(g => new AccountCount(g.Key, evaluators.GetValueOrDefault(g.Key!), g.Count(), g.Count(r => r.AwaitingConfirmation)))
                        .OrderByDescending(a => a.Count).ToList()
                    : []);
        }

        /// <summary>The comments and text answers of the counted responses, if released; shuffled for a unit.</summary>
        private string[] Texts(List<EvaluationResponse> list)
        {
            var texts = textsReleased
                ? list.SelectMany(r => r.Answers.Where(a => !string.IsNullOrWhiteSpace(a.Text)).Select(a => a.Text!).Prepend(r.Comment))
                    .Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!).ToArray()
                : [];
            if (!detailed)
            {
                // Entry order is time order: shuffled, a text cannot be matched to a visit.
                Random.Shared.Shuffle(texts);
            }
            return texts;
        }

        private ResponseView ToView(EvaluationResponse r) => new(r.Id, r.Rating, r.Comment, r.Channel.ToString().ToLowerInvariant(), r.CreatedAtUtc,
            r.Answers.ToDictionary(a => a.ItemCode, a => a.Choice ?? a.Text), r.FormReference,
            r.EvaluatorId is null ? null : evaluators.GetValueOrDefault(r.EvaluatorId), r.AwaitingConfirmation,
            r.Coded, r.ReviewFlag, r.ReviewFlag is null ? null : ReviewFlags.LabelOf(r.ReviewFlag));
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/inputs", (int year, string? unit, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(year, unit, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetEvaluationInputs")
            .Produces<View>()
            .WithSummary("某单位已收集的评议材料（按来源）")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }
}
