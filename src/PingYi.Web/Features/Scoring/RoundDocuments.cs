using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Domain.Units;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Features.Scoring.Documents;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The approved round's documents as DOCX (docs/evaluation.md, "Documents"): the 通报 (rankings per category, the
/// tracking list, the public-notice list, the committee header with 文号 and date, the fingerprint) and a 反馈函 per unit
/// (its score and breakdown, its tracking-list status, what it must do next, its fingerprint). The wording is
/// <c>Documents/DocumentTexts.json</c>. Supervisors and Admins download the 通报 and every 反馈函; a unit's handlers their
/// own 反馈函 once the results are fed back to the units or published.
/// </summary>
public static class RoundDocuments
{
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>The longest 文号 accepted at download.</summary>
    public const int MaxNumberLength = 40;

    public sealed record Document(byte[] Content, string FileName);

    /// <summary>The wording of both documents, read once from the embedded <c>DocumentTexts.json</c>.</summary>
    public static JsonObject Texts { get; } = LoadTexts();

    private static JsonObject LoadTexts()
    {
        using var stream = typeof(RoundDocuments).Assembly.GetManifestResourceStream("PingYi.Web.Features.Scoring.Documents.DocumentTexts.json")
            ?? throw new InvalidOperationException("DocumentTexts.json is not embedded.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>A text of the file, its <c>{name}</c> placeholders filled.</summary>
    public static string T(string path, params (string Name, object? Value)[] values)
    {
        JsonNode? node = Texts;
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }
        var text = node?.GetValue<string>() ?? throw new InvalidOperationException($"DocumentTexts.json has no '{path}'.");
        foreach (var (name, value) in values)
        {
            text = text.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        return text;
    }

    private static IReadOnlyList<string> Columns(string path) => Texts[path.Split('.')[0]]![path.Split('.')[1]]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

    private static string F(double value) => ScoreRounding.Round(value).ToString("0.00", CultureInfo.InvariantCulture);

    private static string DateText(DateOnly d) => T("date", ("year", d.Year), ("month", d.Month), ("day", d.Day));

    public sealed class Handler(PingYiDbContext db, Rounds rounds, ScoringResults results, IAuthorizationService authorization, TimeProvider time, IConfiguration configuration)
    {
        private string Issuer => configuration["Documents:Issuer"] is { Length: > 0 } issuer ? issuer : T("issuer");

        /// <summary>The 通报 of an approved round.</summary>
        public async Task<Result<Document>> NoticeAsync(int year, string? number, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsCommittee())
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权下载通报", "year", "只有纪检监察工委和系统管理员可以下载评议结果通报。");
            }
            var loaded = await LoadAsync(year, number, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var (round, approved, fingerprint, docNumber) = loaded.Value!;
            docNumber ??= (configuration["Documents:NoticeNumber"] is { Length: > 0 } n ? n : T("noticeNumber")).Replace("{year}", year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var title = T("notice.title", ("year", year));
            var doc = new Docx().Header(Issuer, docNumber).Title(title)
                .Text(T("notice.salutation"), flush: true)
                .Text(T("notice.intro", ("year", year), ("approvedDate", DateText(ChinaTime.DateOf(approved.SnapshotAtUtc!.Value)))))
                .Heading(T("notice.rankingsHeading"))
                .Text(T("notice.rankingsHint"));
            var numbers = new[] { "（一）", "（二）", "（三）", "（四）", "（五）", "（六）" };
            var i = 0;
            foreach (var category in approved.Categories)
            {
                doc.SubHeading($"{numbers[Math.Min(i++, numbers.Length - 1)]}{UnitCategories.Codes.LabelOf(category.Category)}");
                var ranked = category.Units.Where(u => u.Scored).ToList();
                if (ranked.Count == 0)
                {
                    doc.Text(T("notice.noRanked"));
                }
                else
                {
                    doc.Table(Columns("notice.columns"), ranked.Select(u => (IReadOnlyList<string>)
                        [u.Rank.ToString(CultureInfo.InvariantCulture), u.Name, F(u.Score), F(u.Deductions),
                            string.Join("、", new[] { u.TrackingList ? T("notice.trackingMark") : null, u.PublicNotice ? T("notice.noticeMark") : null }.OfType<string>())]),
                        [900, 3600, 1500, 1200, 1800]);
                }
                var unranked = category.Units.Where(u => !u.Scored).Select(u => u.Name).ToList();
                if (unranked.Count > 0)
                {
                    doc.Text(T("notice.unranked", ("units", string.Join("、", unranked))));
                }
            }
            var units = approved.Units.ToList();
            doc.Heading(T("notice.trackingHeading"));
            ListUnits(doc, T("notice.tracking", ("nextYear", year + 1)), units.Where(u => u.TrackingList).ToList());
            doc.Heading(T("notice.noticeHeading"));
            ListUnits(doc, T("notice.noticeList"), units.Where(u => u.PublicNotice).ToList());
            doc.Heading(T("notice.requirementsHeading")).Text(T("notice.requirements"));
            doc.Heading(T("notice.fingerprintHeading"));
            if (fingerprint is null)
            {
                doc.Text(T("notice.noFingerprint"));
            }
            else
            {
                doc.Text(T("notice.fingerprint")).Code(fingerprint).Text(T("notice.fingerprintHow"));
            }
            Signature(doc);
            return new Document(doc.ToBytes(title), $"评议结果通报-{year}.docx");
        }

        /// <summary>The 反馈函 of one unit of an approved round.</summary>
        public async Task<Result<Document>> FeedbackAsync(int year, string? unitCode, string? number, ClaimsPrincipal user, CancellationToken ct)
        {
            var viewable = await ScoredUnit.FindViewableAsync(db, authorization, unitCode, user, "无权下载", "您只能下载本单位的反馈函。", ct);
            if (!viewable.Succeeded)
            {
                return viewable.Failure!;
            }
            var unit = viewable.Value!;
            var loaded = await LoadAsync(year, number, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var (round, approved, roundFingerprint, docNumber) = loaded.Value!;
            if (!user.IsCommittee() && !(approved.SharedWithUnits || approved.Published))
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "评议结果尚未反馈", "year", $"{year} 年度评议结果反馈各参评单位后，才能下载本单位的反馈函。");
            }
            var result = approved.Find(unit.Code);
            if (result is null)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "单位未参评", "unitCode", $"“{unit.Name}”不在 {year} 年度评议结果中。");
            }
            var category = approved.Categories.Single(c => c.Units.Any(u => u.UnitCode == unit.Code));
            if (docNumber is null)
            {
                var seq = approved.Units.Select(u => u.UnitCode).ToList().IndexOf(unit.Code) + 1;
                docNumber = (configuration["Documents:FeedbackNumber"] is { Length: > 0 } n ? n : T("feedbackNumber"))
                    .Replace("{year}", year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{seq}", seq.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
            var unitFingerprint = await ScoredUnit.FingerprintAsync(db, year, unit.Code, ct);
            var title = T("feedback.title", ("year", year));
            var doc = new Docx().Header(Issuer, docNumber).Title(title)
                .Text($"{result.Name}：", flush: true)
                .Text(T("feedback.intro", ("year", year)))
                .Heading(T("feedback.scoreHeading"))
                .Text(result.Scored
                    ? T("feedback.score", ("score", F(result.Score)), ("weighted", F(result.Weighted)), ("deductions", F(result.Deductions)),
                        ("category", UnitCategories.Codes.LabelOf(category.Category)), ("size", category.RankedCount()), ("rank", result.Rank))
                    : T("feedback.unscored"))
                .Heading(T("feedback.breakdownHeading"));
            var definition = round.Definition;
            var contributions = RankingCalculator.Contributions(definition, result.Sources);
            doc.Table(Columns("feedback.columns"), contributions.Select(c => (IReadOnlyList<string>)
                [
                    definition.FindSource(c.Source)?.Label ?? EvaluationCodes.SourceLabels.GetValueOrDefault(c.Source) ?? c.Source,
                    c.Weight.ToString("0.###", CultureInfo.InvariantCulture),
                    c.EffectiveWeight.ToString("0.####", CultureInfo.InvariantCulture),
                    !SourceScores.Applies(c.Source, unit.ServiceHall) ? T("feedback.notApplicable")
                        : result.Sources.GetValueOrDefault(c.Source) is { } s ? F(s) : T("feedback.noScore"),
                    c.Points is { } p ? F(p) : "—",
                ]), [2800, 1100, 1400, 1400, 1500]);
            doc.Text(T("feedback.deductionsLine", ("deductions", F(result.Deductions)), ("recorded", F(result.RecordedDeductions))));
            NextStepsAndFingerprints(doc, result, year, roundFingerprint, unitFingerprint);
            Signature(doc);
            return new Document(doc.ToBytes(title), $"评议结果反馈函-{year}-{unit.Code}.docx");
        }

        /// <summary>The 反馈函's tracking-list status, what the unit must do next and the fingerprints to verify it by.</summary>
        private static void NextStepsAndFingerprints(Docx doc, UnitResult result, int year, string? roundFingerprint, string? unitFingerprint)
        {
            doc.Heading(T("feedback.trackingHeading"))
                .Text(result.TrackingList ? T("feedback.onTracking", ("nextYear", year + 1)) : T("feedback.notTracking", ("nextYear", year + 1)));
            if (result.PublicNotice)
            {
                doc.Text(T("feedback.onNotice"));
            }
            doc.Heading(T("feedback.nextHeading"));
            if (result.TrackingList)
            {
                doc.Text(T("feedback.nextTracking"));
            }
            if (result.PublicNotice)
            {
                doc.Text(T("feedback.nextNotice"));
            }
            if (!result.TrackingList)
            {
                doc.Text(T("feedback.nextGeneral"));
            }
            doc.Heading(T("feedback.fingerprintHeading"));
            if (roundFingerprint is null || unitFingerprint is null)
            {
                doc.Text(T("feedback.noFingerprint"));
            }
            else
            {
                doc.Text(T("feedback.fingerprint")).Code(unitFingerprint)
                    .Text(T("feedback.roundFingerprint")).Code(roundFingerprint)
                    .Text(T("feedback.fingerprintHow"));
            }
        }

        private void Signature(Docx doc) =>
            doc.Text(string.Empty, flush: true).Text(Issuer, right: true).Text(DateText(ChinaTime.Today(time)), right: true);

        private static void ListUnits(Docx doc, string lead, IReadOnlyList<UnitResult> units)
        {
            if (units.Count == 0)
            {
                doc.Text(T("notice.none"));
                return;
            }
            doc.Text(lead);
            foreach (var group in units.GroupBy(u => u.Category).OrderBy(g => g.Key))
            {
                doc.Text($"{UnitCategories.Codes.LabelOf(group.Key)}：{string.Join("、", group.OrderBy(u => u.Rank).Select(u => u.Name))}");
            }
        }

        /// <summary>The approved round, its fingerprint and the 文号 asked for (checked).</summary>
        private async Task<Result<(RoundContext Round, RoundResults Approved, string? Fingerprint, string? Number)>> LoadAsync(int year, string? number, CancellationToken ct)
        {
            number = string.IsNullOrWhiteSpace(number) ? null : number.Trim();
            if (number is not null && (number.Length > MaxNumberLength || number.Any(char.IsControl)))
            {
                return RequestFailure.Invalid("文号不正确", "number", $"文号不超过 {MaxNumberLength} 个字，例如“评议办〔{year}〕1号”。");
            }
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var approved = await results.ApprovedAsync(year, found.Value!.Definition, ct);
            if (approved is null)
            {
                return RequestFailure.Conflict("评议结果尚未审定", "year", $"{year} 年度评议结果尚未审定，审定后才能生成通报和反馈函。");
            }
            var fingerprint = await db.ResultSnapshots.AsNoTracking().Where(s => s.Year == year).Select(s => s.Fingerprint).SingleOrDefaultAsync(ct);
            return (found.Value!, approved, fingerprint, number);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/notice.docx", async (int year, string? number, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.NoticeAsync(year, number, http.User, ct)).ToHttp(d => Results.File(d.Content, DocxType, d.FileName));
            })
            .RequireAuthorization()
            .WithName("GetEvaluationNoticeDocument")
            .WithSummary("下载评议结果通报（DOCX，可指定文号 number）")
            .Produces(StatusCodes.Status200OK, contentType: DocxType)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/evaluations/{year:int}/units/{unitCode}/feedback.docx", async (int year, string unitCode, string? number, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.FeedbackAsync(year, unitCode, number, http.User, ct)).ToHttp(d => Results.File(d.Content, DocxType, d.FileName));
            })
            .RequireAuthorization()
            .WithName("GetEvaluationFeedbackDocument")
            .WithSummary("下载某单位的评议结果反馈函（DOCX，可指定文号 number）")
            .Produces(StatusCodes.Status200OK, contentType: DocxType)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
