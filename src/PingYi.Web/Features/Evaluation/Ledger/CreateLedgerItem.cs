using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;
using PingYi.Web.Features.Evaluation.Deductions;
using PingYi.Web.Features.Evaluation.Inspections;
using PingYi.Web.Features.Evaluation.Ratings;
using PingYi.Web.Features.Evaluation.Survey;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<ItemView>> CreateAsync(int year, CreateRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsInRole(StaffRoles.Supervisor) && !user.IsInRole(StaffRoles.UnitHandler))
            {
                return Forbidden("只有纪检监察工委或参评单位承办人可以登记整改事项。");
            }
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var round = found.Value!.Round;
            var errors = new ValidationErrors();
            var unit = await rounds.UnitAsync(request.UnitCode, ct);
            if (unit is null)
            {
                errors.Add("unitCode", string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写整改单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
            }
            else if (!(await authorization.AuthorizeAsync(user, new UnitTarget(unit.Id), RectificationRequirement.Create)).Succeeded)
            {
                return Forbidden("您只能登记本单位的整改事项。");
            }

            var source = request.Source?.Trim();
            long? inspectionId = null, deductionId = null, complaintId = null, responseId = null;
            var sourceRef = Text.Clean(request.SourceRef, multiline: false);
            if (RectificationSources.LabelOf(source) is null)
            {
                errors.Add("source", string.IsNullOrWhiteSpace(source)
                    ? $"请选择问题来源：{string.Join("、", RectificationSources.All.Select(s => $"{s.Code}（{s.Label}）"))}。"
                    : $"问题来源只能是：{string.Join("、", RectificationSources.All.Select(s => $"{s.Code}（{s.Label}）"))}。");
            }
            else if (sourceRef is not null && unit is not null)
            {
                if (source == RectificationSources.Complaint)
                {
                    var number = sourceRef.ToUpperInvariant();
                    complaintId = await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number && c.UnitId == unit.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
                    if (complaintId is null)
                    {
                        errors.Add("sourceRef", $"该单位没有受理编号为“{sourceRef}”的反映。");
                    }
                }
                else if (source == RectificationSources.PriorYear)
                {
                    errors.Add("sourceRef", "上年度评议结果没有可关联的记录，请在问题描述中写明。");
                }
                else if (!long.TryParse(sourceRef, NumberStyles.None, CultureInfo.InvariantCulture, out var refId))
                {
                    errors.Add("sourceRef", "关联记录应为记录编号（数字）。");
                }
                else
                {
                    var exists = source switch
                    {
                        RectificationSources.Inspection => await db.Inspections.AnyAsync(x => x.Id == refId && x.RoundId == round.Id && x.UnitId == unit.Id, ct),
                        RectificationSources.Deduction => await db.Deductions.AnyAsync(x => x.Id == refId && x.RoundId == round.Id && x.UnitId == unit.Id, ct),
                        _ => await db.EvaluationResponses.AnyAsync(x => x.Id == refId && x.RoundId == round.Id && x.UnitId == unit.Id && x.Source == EvaluationCodes.UnitChannel, ct),
                    };
                    if (!exists)
                    {
                        errors.Add("sourceRef", $"本年度该单位没有编号为 {refId} 的{RectificationSources.LabelOf(source)}记录。");
                    }
                    else if (source == RectificationSources.Inspection) { inspectionId = refId; }
                    else if (source == RectificationSources.Deduction) { deductionId = refId; }
                    else { responseId = refId; }
                }
            }
            var problem = Required(errors, "problem", request.Problem, true, RectificationItem.MaxProblemLength, "问题描述");
            var measures = Required(errors, "measures", request.Measures, true, RectificationItem.MaxMeasuresLength, "整改措施");
            var owner = Required(errors, "owner", request.Owner, false, RectificationItem.MaxOwnerLength, "责任人");
            var today = ChinaTime.Today(time);
            DateOnly due = default;
            if (string.IsNullOrWhiteSpace(request.DueOn))
            {
                errors.Add("dueOn", "请填写整改时限（如 2020-12-31）。");
            }
            else if (!DateOnly.TryParseExact(request.DueOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out due))
            {
                errors.Add("dueOn", "整改时限应为 yyyy-MM-dd 格式的日期，如 2020-12-31。");
            }
            else if (due < today)
            {
                errors.Add("dueOn", $"整改时限不能早于今天（{today:yyyy-MM-dd}）。");
            }
            else if (due > today.AddYears(2))
            {
                errors.Add("dueOn", "整改时限不能超过两年。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }

            var now = time.GetUtcNow().UtcDateTime;
            var item = new RectificationItem(round.Id, unit!.Id, source!, inspectionId, deductionId, complaintId, responseId,
                problem!, measures!, owner!, due, user.UserId()!, now);
            // The audit record names the item's id: two saves, one transaction, so neither exists without the other.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.RectificationItems.Add(item);
            await db.SaveChangesAsync(ct);
            audit.Record(user, AuditKinds.RectificationCreated, $"ledger:{item.Id}", null,
                new { year, unit = unit.Code, source, sourceRef, problem, measures, owner, dueOn = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (await ViewsAsync(year, [item], today, ct))[0];
        }
    }

    /// <summary>POST a new rectification item (supervisor, or a unit handler for their own unit).</summary>
    private static void MapCreate(RouteGroupBuilder api) =>
        api.MapPost("/evaluations/{year:int}/ledger", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<CreateRequest>(http, 64 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.CreateAsync(year, body.Value!, http.User, ct);
                return result.Succeeded ? Results.Created($"/api/v1/evaluations/{year}/ledger/{result.Value!.Id}", result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("CreateLedgerItem")
            .Produces<ItemView>(StatusCodes.Status201Created)
            .WithSummary("登记整改事项")
            .WithDescription("Body: { \"unitCode\", \"source\": \"unit-channel\" | \"inspection\" | \"deduction\" | \"complaint\" | \"prior-year\", \"sourceRef\"?, \"problem\", \"measures\", \"owner\", \"dueOn\": \"yyyy-MM-dd\" }.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
