using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Domain.Scoring;
using PingYi.Web.Features.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Scoring;

/// <summary>
/// The fingerprint of an approved round (docs/evaluation.md, "Fingerprint"): at approval every unit's part — its inputs
/// as it may see them — is written in canonical JSON with its SHA-256, and the round's document over all parts with the
/// round's SHA-256, in the same save as the snapshot.
/// </summary>
public static class ResultFingerprints
{
    /// <summary>One unit's part from the inputs the round was computed from.</summary>
    public static UnitPart PartOf(RoundContext round, UnitInputs u, DateTime countedToUtc, string nonce) =>
        new(round.Round.Year, round.Round.SchemeVersion, round.Definition, nonce, u.UnitCode, u.Category, u.ServiceHall, u.Ratings,
            u.UncodedHall ?? new Dictionary<string, int>(), u.Inspections, u.Deductions,
            u.Channel is null ? null : new UnitPart.ChannelInputs(countedToUtc, u.Channel.Facts, u.Channel.Result.Means));

    /// <summary>Adds the parts and the round's fingerprint to the snapshot being approved.</summary>
    public static void Seal(ResultSnapshot snapshot, RoundContext round, ComputedRound computed)
    {
        var parts = computed.Inputs.Select(u =>
        {
            var canonical = CanonicalJson.Serialize(PartOf(round, u, computed.Results.CutoffUtc, RandomNumberGenerator.GetHexString(32, lowercase: true)).ToJson());
            return new ResultSnapshotPart(u.UnitCode, Sha256(canonical), canonical);
        }).ToList();
        var document = CanonicalJson.Serialize(RoundFingerprint.Document(round.Round.Year, round.Round.SchemeVersion, round.Definition,
            computed.Results.PreviousYear, computed.Results.Units.Where(u => u.PreviousBottomTwo).Select(u => u.UnitCode),
            parts.Select(p => (p.UnitCode, p.Fingerprint))));
        snapshot.Seal(Sha256(document), document, parts);
    }

    public static string Sha256(string canonical) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
}

/// <summary>
/// A unit's verification file (<c>GET /api/v1/evaluations/{year}/units/{unitCode}/verification.json</c>): its part of the
/// approved round as written at approval, the figures approved for it and the fingerprints, for the <c>verify</c> command.
/// A unit's handlers their own unit; Supervisors and Admins every unit; only an approved round with a fingerprint.
/// </summary>
public static class GetVerificationFile
{
    public const string FileFormat = "pingyi.unit-verification/1";

    public sealed record Fingerprints(string? Round, string? Unit);

    public sealed class Handler(PingYiDbContext db, IAuthorizationService authorization, TimeProvider time)
    {
        /// <summary>The round's and the unit's fingerprints of an approved round (nulls when it has none).</summary>
        public async Task<Fingerprints> FingerprintsAsync(int year, string? unitCode, CancellationToken ct)
        {
            var round = await db.ResultSnapshots.AsNoTracking().Where(s => s.Year == year).Select(s => s.Fingerprint).SingleOrDefaultAsync(ct);
            var unit = unitCode is null ? null : await ScoredUnit.FingerprintAsync(db, year, unitCode, ct);
            return new Fingerprints(round, unit);
        }

        public async Task<Result<JsonObject>> HandleAsync(int year, string? unitCode, ClaimsPrincipal user, CancellationToken ct)
        {
            var viewable = await ScoredUnit.FindViewableAsync(db, authorization, unitCode, user, "无权下载", "您只能下载本单位的评议数据。", ct);
            if (!viewable.Succeeded)
            {
                return viewable.Failure!;
            }
            var unit = viewable.Value!;
            var snapshot = await db.ResultSnapshots.AsNoTracking().Where(s => s.Year == year)
                .Select(s => new { s.Id, s.Fingerprint, s.TakenAtUtc }).SingleOrDefaultAsync(ct);
            if (snapshot is null)
            {
                return RequestFailure.Conflict("评议结果尚未审定", "year", $"{year} 年度评议结果尚未审定：审定时才生成数字指纹和各单位的核验数据。");
            }
            var part = await db.ResultSnapshotParts.AsNoTracking().Where(p => p.SnapshotId == snapshot.Id && p.UnitCode == unit.Code).SingleOrDefaultAsync(ct);
            var line = await db.ResultSnapshots.AsNoTracking().Where(s => s.Id == snapshot.Id).SelectMany(s => s.Lines)
                .Where(l => l.UnitCode == unit.Code).SingleOrDefaultAsync(ct);
            if (snapshot.Fingerprint is null || part is null || line is null)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "没有核验数据", "unitCode",
                    $"{year} 年度评议结果审定于数字指纹功能启用之前，或“{unit.Name}”不在审定结果中，没有可下载的核验数据。");
            }
            var result = line.ToResult();
            return new JsonObject
            {
                ["format"] = FileFormat,
                ["year"] = year,
                ["unitCode"] = unit.Code,
                ["unitName"] = line.UnitName,
                ["approvedAt"] = snapshot.TakenAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["downloadedAt"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["roundFingerprint"] = snapshot.Fingerprint,
                ["fingerprint"] = part.Fingerprint,
                ["result"] = ResultJson(result.Scored ? result.Score : null, result.Weighted, result.Deductions, result.Sources),
                ["howToVerify"] = "dotnet PingYi.Web.dll verify <本文件>：由 inputs 重新计算得分和本单位数字指纹（inputs 的 RFC 8785 规范化 JSON 的 SHA-256），与 result 和 fingerprint 比对。",
                ["inputs"] = JsonNode.Parse(part.Canonical),
            };
        }
    }

    public static JsonObject ResultJson(double? score, double weighted, double deductions, IReadOnlyDictionary<string, double?> sources)
    {
        var s = new JsonObject();
        foreach (var code in EvaluationCodes.Sources)
        {
            s[code] = sources.GetValueOrDefault(code);
        }
        return new JsonObject { ["score"] = score, ["weighted"] = weighted, ["deductions"] = deductions, ["sources"] = s };
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/units/{unitCode}/verification.json", async (int year, string unitCode, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var result = await handler.HandleAsync(year, unitCode, http.User, ct);
                if (!result.Succeeded)
                {
                    return result.Failure!.ToProblem();
                }
                var bytes = System.Text.Encoding.UTF8.GetBytes(result.Value!.ToJsonString(VerifyCommand.Indented));
                return Results.File(bytes, "application/json", $"评议核验数据-{year}-{result.Value!["unitCode"]}.json");
            })
            .RequireAuthorization()
            .WithName("GetEvaluationVerificationFile")
            .WithSummary("下载本单位的评议核验数据（JSON，可用 verify 命令重算得分和数字指纹）")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}

/// <summary>
/// <c>dotnet PingYi.Web.dll verify &lt;file&gt;</c>: recomputes a unit's figures and fingerprint from its verification file
/// alone (no database, no network) and compares them with the approved ones in the file. Exit code 0 when both agree,
/// 1 when either differs, 2 for a file it cannot read.
/// </summary>
public static class VerifyCommand
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="Recomputed">The figures recomputed from the inputs.</param>
    /// <param name="Fingerprint">SHA-256 of the inputs' canonical JSON, recomputed.</param>
    /// <param name="ScoreMatches">The recomputed score, weighted score, deductions and source scores equal those approved.</param>
    public sealed record Outcome(UnitResult Recomputed, string Fingerprint, string? ExpectedFingerprint, bool FingerprintMatches, bool ScoreMatches)
    {
        public bool Verified => FingerprintMatches && ScoreMatches;
    }

    /// <summary>Checks a verification file; a file that is not one → <see cref="FormatException"/>.</summary>
    public static Outcome Check(JsonObject file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file["format"]?.GetValue<string>() != GetVerificationFile.FileFormat)
        {
            throw new FormatException($"$.format: expected \"{GetVerificationFile.FileFormat}\"");
        }
        var inputs = file["inputs"] as JsonObject ?? throw new FormatException("$.inputs: an object");
        var fingerprint = CanonicalJson.Sha256(inputs);
        var recomputed = UnitPart.FromJson(inputs).Compute();
        var expected = file["fingerprint"]?.GetValue<string>();
        var computedJson = GetVerificationFile.ResultJson(recomputed.Scored ? recomputed.Score : null, recomputed.Weighted, recomputed.Deductions, recomputed.Sources);
        var approved = file["result"] as JsonObject;
        var scoreMatches = approved is not null && CanonicalJson.Serialize(approved) == CanonicalJson.Serialize(computedJson);
        return new Outcome(recomputed, fingerprint, expected, string.Equals(fingerprint, expected, StringComparison.Ordinal), scoreMatches);
    }

    public static int Run(string path, TextWriter output)
    {
        Outcome outcome;
        try
        {
            outcome = Check(JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("$: an object"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException)
        {
            output.WriteLine($"无法读取核验文件 {path}：{e.Message}");
            return 2;
        }
        var r = outcome.Recomputed;
        output.WriteLine($"单位：{r.UnitCode}");
        output.WriteLine($"重新计算的综合得分：{(r.Scored ? Figure(r.Score) : "无评议数据")}（加权得分 {Figure(r.Weighted)}，扣分 {Figure(r.Deductions)}）");
        foreach (var source in EvaluationCodes.Sources)
        {
            output.WriteLine($"  {EvaluationCodes.SourceLabels[source]}：{(r.Sources.GetValueOrDefault(source) is { } v ? Figure(v) : "无")}");
        }
        output.WriteLine($"重新计算的数字指纹：{outcome.Fingerprint}");
        output.WriteLine($"文件记载的数字指纹：{outcome.ExpectedFingerprint ?? "无"}");
        output.WriteLine(outcome.ScoreMatches ? "得分与审定结果一致。" : "得分与文件记载的审定结果不一致。");
        output.WriteLine(outcome.FingerprintMatches ? "数字指纹一致：核验通过。" : "数字指纹不一致：评议数据与审定时不同。");
        return outcome.Verified ? 0 : 1;
    }

    private static string Figure(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
