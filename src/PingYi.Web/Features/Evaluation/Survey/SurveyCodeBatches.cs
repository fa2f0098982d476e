using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Survey;

/// <summary>
/// 一事一评: a unit's window hands each person it served a one-time evaluation code. A unit's handler (for their own
/// unit) or a Supervisor (for any unit in the hall) makes a batch of up to <see cref="SurveyCodeBatch.MaxCount"/>;
/// the codes are shown once, on the page that made them, and only their SHA-256 is stored.
/// </summary>
public static class SurveyCodeBatches
{
    /// <summary>A batch just made: the only time its codes exist in clear.</summary>
    public sealed record Made(SurveyCodeBatch Batch, string UnitName, string UnitCode, int Year, IReadOnlyList<string> Codes);

    /// <summary>A batch as the list shows it: counts only, never a code.</summary>
    public sealed record Summary(long Id, string UnitName, int Count, int Used, DateTime CreatedAtUtc, DateTime ExpiresAtUtc);

    /// <summary>The form's one-time token: a made batch remembers it, so the same form cannot show codes twice.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SurveyCodeBatch.NonceLength / 2));

    public static bool MayIssue(ClaimsPrincipal user, int unitId) =>
        user.IsSupervisor() || (user.HandlesUnit(unitId));

    public sealed class Handler(PingYiDbContext db, Rounds rounds, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<Made>> MakeAsync(int year, string? unitCode, int count, string? nonce, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var unit = await rounds.UnitAsync(unitCode, ct);
            if (unit is null)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "单位不存在", "unit", "请选择单位。");
            }
            if (!MayIssue(user, unit.Id))
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权生成评价码", "unit", "只能为本单位生成评价码。");
            }
            if (!unit.ServiceHall || !unit.Active)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "不在政务大厅", "unit", $"{unit.Name}未入驻省政务大厅，不使用服务评价码。");
            }
            if (count is < 1 or > SurveyCodeBatch.MaxCount)
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "数量不正确", "count", $"每批可生成 1 至 {SurveyCodeBatch.MaxCount} 个评价码。");
            }
            if (nonce is not { Length: SurveyCodeBatch.NonceLength } || !nonce.All(char.IsAsciiHexDigitLower))
            {
                return RequestFailure.Field(StatusCodes.Status400BadRequest, "请刷新页面", "nonce", "页面已过期，请刷新后重新生成。");
            }
            var shown = RequestFailure.Field(StatusCodes.Status409Conflict, "评价码已显示过", "nonce",
                "这批评价码已经生成并显示过一次，出于安全不再显示。如已遗失，请重新生成一批。");
            if (await db.SurveyCodeBatches.AnyAsync(b => b.Nonce == nonce, ct))
            {
                return shown;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var days = found.Value!.Definition.PublicSurvey.CodeValidDays;
            var batch = new SurveyCodeBatch(found.Value.Round.Id, unit.Id, EvaluationCodes.ServiceHall, count, now.AddDays(days), user.UserId()!, now, nonce);
            var codes = new List<string>(count);
            var hashes = new HashSet<string>(StringComparer.Ordinal);
            while (codes.Count < count)
            {
                var code = SurveyCodeFormat.Generate();
                if (hashes.Add(SurveyCodeFormat.Hash(code)))
                {
                    codes.Add(code);
                }
            }
            db.SurveyCodeBatches.Add(batch);
            db.SurveyCodes.AddRange(hashes.Select(h => new SurveyCode(batch, h)));
            audit.Record(user, AuditKinds.SurveyCodesIssued, $"unit:{unit.Code}", null, new { year, unitCode = unit.Code, count, expiresAtUtc = batch.ExpiresAtUtc });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same form posted twice at once: the unique nonce kept one batch; this one shows nothing.
                return shown;
            }
            return new Made(batch, unit.Name, unit.Code, year, codes);
        }

        /// <summary>The batches of one unit (a handler) or of every unit (a Supervisor), newest first, with their use.</summary>
        public async Task<IReadOnlyList<Summary>> ListAsync(int roundId, ClaimsPrincipal user, CancellationToken ct)
        {
            var batches = db.SurveyCodeBatches.AsNoTracking().Where(b => b.RoundId == roundId);
            if (!user.IsSupervisor())
            {
                var own = user.UnitId() ?? -1;
                batches = batches.Where(b => b.UnitId == own);
            }
            return await batches.OrderByDescending(b => b.CreatedAtUtc).ThenByDescending(b => b.Id).Take(200)
                .Select(b => new Summary(b.Id, db.Units.Where(u => u.Id == b.UnitId).Select(u => u.Name).First(), b.Count,
                    db.SurveyCodes.Count(c => c.BatchId == b.Id && c.UsedAtUtc != null), b.CreatedAtUtc, b.ExpiresAtUtc))
                .ToListAsync(ct);
        }
    }
}
