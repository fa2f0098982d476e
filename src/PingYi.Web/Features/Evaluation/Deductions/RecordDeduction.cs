using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Evaluation.Appeals;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Deductions;

/// <summary>
/// 扣分: a supervisor records a problem found during the round with points, a reason, what it punishes (a complaint,
/// an inspection or a ledger item of the unit in the round: <see cref="DeductionCitations"/>) and evidence.
/// </summary>
public static class RecordDeduction
{
    public const int MaxEvidence = 5;

    /// <param name="Cites"><c>complaint</c>, <c>inspection</c> or <c>ledger-item</c>: what the deduction punishes.</param>
    /// <param name="CitesRef">The complaint's tracking number, or the inspection's or ledger item's record number.</param>
    public sealed record Request(string? UnitCode, double? Points, string? Reason, string? Rule, string? Cites = null, string? CitesRef = null);

    public sealed record Response(long Id, int Year, string UnitCode, double Points, string Reason, string? Rule, string RecordedBy, DateTime RecordedAt,
        string Cites, string CitesRef);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, Request request, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new RoundTarget(year), DeductionRequirement.Record)).Succeeded)
            {
                return Forbidden();
            }
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var errors = new ValidationErrors();
            var unit = await rounds.UnitAsync(request.UnitCode, ct);
            if (unit is null)
            {
                errors.Add("unitCode", string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写被扣分单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
            }
            var rule = request.Rule is null ? null : definition.Deductions.Find(request.Rule);
            if (request.Rule is not null && rule is null)
            {
                errors.Add("rule", $"扣分事项只能是：{string.Join("、", definition.Deductions.Rules.Select(r => $"{r.Code}（{r.Label}）"))}。");
            }
            var max = rule?.MaxPoints ?? definition.Deductions.MaxTotalPoints;
            if (request.Points is null)
            {
                errors.Add("points", "请填写扣分分值。");
            }
            else if (request.Points <= 0 || request.Points > max || Math.Round(request.Points.Value, 2) != request.Points.Value)
            {
                errors.Add("points", $"扣分分值应大于 0、不超过 {max} 分，最多两位小数。");
            }
            var reason = Text.Clean(request.Reason, multiline: true);
            if (reason is null)
            {
                errors.Add("reason", "请填写扣分理由。");
            }
            else if (reason.Length > Deduction.MaxReasonLength)
            {
                errors.Add("reason", $"扣分理由不能超过 {Deduction.MaxReasonLength} 字。");
            }
            var cites = await DeductionCitations.ResolveAsync(db, definition, round.Id, unit?.Id, request.Cites, request.CitesRef, errors, ct);
            if (errors.IsEmpty)
            {
                var total = await db.Deductions.Where(d => d.RoundId == round.Id && d.UnitId == unit!.Id).SumAsync(d => (double?)d.Points, ct) ?? 0;
                if (total + request.Points!.Value > definition.Deductions.MaxTotalPoints + 1e-9)
                {
                    errors.Add("points", $"该单位本年度已扣 {total} 分，累计不能超过 {definition.Deductions.MaxTotalPoints} 分。");
                }
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            if (await AlreadyPunishedAsync(year, round.Id, unit!.Id, cites!, ct) is { } earlier)
            {
                return RequestFailure.Conflict("该事项已扣过分", "citesRef",
                    $"扣分记录 {earlier} 已就同一{DeductionCitation.LabelOf(cites!.Kind)}扣分：同一问题只扣一次分（如需改正，请先通过申诉撤销原扣分）。");
            }
            var deduction = new Deduction(round.Id, unit!.Id, request.Points!.Value, reason!, rule?.Code, cites!, user.UserId()!, time.GetUtcNow().UtcDateTime);
            // Each deduction is an auditable event: the record names its id, so both are saved in one transaction.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Deductions.Add(deduction);
            await db.SaveChangesAsync(ct);
            audit.Record(user, AuditKinds.DeductionRecorded, $"deduction:{deduction.Id}", null,
                new { year, unit = unit.Code, points = deduction.Points, reason = deduction.Reason, rule = deduction.Rule, cites = cites!.Kind, citesRef = Text.Clean(request.CitesRef, multiline: false) });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new Response(deduction.Id, year, unit.Code, deduction.Points, deduction.Reason, deduction.Rule, user.Email() ?? string.Empty, deduction.RecordedAtUtc,
                cites.Kind, cites.Kind == DeductionCitation.Complaint ? Text.Clean(request.CitesRef, multiline: false)!.ToUpperInvariant() : cites.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public async Task<Result<int>> AddEvidenceAsync(int year, long deductionId, IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new RoundTarget(year), DeductionRequirement.Record)).Succeeded)
            {
                return Forbidden();
            }
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var deduction = await db.Deductions.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deductionId && d.RoundId == found.Value!.Round.Id, ct);
            if (deduction is null)
            {
                return RequestFailure.NotFound("扣分记录不存在", "id", "没有这条扣分记录。");
            }
            return await EvaluationFileUploads.AttachAsync(db, EvaluationFileOwner.DeductionEvidence, deduction.Id, deduction.RoundId, deduction.UnitId,
                MaxEvidence, uploads, user, time.GetUtcNow().UtcDateTime, "请选择证据文件", "请至少上传一个证据文件。", ct);
        }

        /// <summary>
        /// One problem, one deduction: the id of a deduction of the unit in the round that already cites the same
        /// record (and that no upheld appeal withdrew), or null.
        /// </summary>
        private async Task<long?> AlreadyPunishedAsync(int year, int roundId, int unitId, DeductionCitation cites, CancellationToken ct)
        {
            var same = db.Deductions.AsNoTracking().Where(d => d.RoundId == roundId && d.UnitId == unitId);
            same = cites.Kind switch
            {
                DeductionCitation.Complaint => same.Where(d => d.CitedComplaintId == cites.Id),
                DeductionCitation.Inspection => same.Where(d => d.CitedInspectionId == cites.Id),
                _ => same.Where(d => d.CitedLedgerItemId == cites.Id),
            };
            return await same.NotTakenOut(db, year)
                .OrderBy(d => d.Id).Select(d => (long?)d.Id).FirstOrDefaultAsync(ct);
        }

        private static RequestFailure Forbidden() =>
            RequestFailure.Forbidden("无权扣分", "$", "只有纪检监察工委可以记录扣分。");
    }

    /// <summary>The answer to an upload: how many files the item now has (<c>{ "evidence": n }</c>).</summary>
    public sealed record EvidenceAdded(int Evidence);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/deductions", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<Request, Response>(http, body => handler.HandleAsync(year, body, http.User, ct),
                    result => result.ToCreated(created => $"/api/v1/evaluations/{year}/deductions/{created.Id}"), ct))
            .StaffCommand("RecordDeduction", "记录扣分（纪检监察工委）")
            .Produces<Response>(StatusCodes.Status201Created)
            .WithDescription("Body: { \"unitCode\", \"points\", \"reason\", \"rule\"?, \"cites\": \"complaint\" | \"inspection\" | \"ledger-item\", \"citesRef\": tracking number or record number }.");

        api.MapPost("/evaluations/{year:int}/deductions/{id:long}/evidence", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.UploadAsync(http, MaxEvidence, files => handler.AddEvidenceAsync(year, id, files, http.User, ct), count => new EvidenceAdded(count), ct))
            .StaffUpload<EvidenceAdded>("AddDeductionEvidence", "上传扣分证据（multipart，字段 attachments）");
    }
}
