using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

public static partial class RectificationLedger
{
    public sealed partial class Handler
    {
        public async Task<Result<ItemView>> CreateAsync(int year, CreateRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsSupervisor() && !user.IsUnitHandler())
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
            var sourceRef = Text.Clean(request.SourceRef, multiline: false);
            var links = await LinksAsync(source, sourceRef, round.Id, unit?.Id, errors, ct);
            var problem = Required(errors, "problem", request.Problem, true, RectificationItem.MaxProblemLength, "问题描述");
            var measures = Required(errors, "measures", request.Measures, true, RectificationItem.MaxMeasuresLength, "整改措施");
            var owner = Required(errors, "owner", request.Owner, false, RectificationItem.MaxOwnerLength, "责任人");
            var today = ChinaTime.Today(time);
            var due = DueOn(request.DueOn, today, errors);
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }

            var now = time.GetUtcNow().UtcDateTime;
            var item = new RectificationItem(round.Id, unit!.Id, source!, links.Inspection, links.Deduction, links.Complaint, links.Response,
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

        /// <summary>The record the problem came from, checked to be the unit's (and, but for a complaint, this round's).</summary>
        private async Task<SourceLinks> LinksAsync(string? source, string? sourceRef, int roundId, int? unitId, ValidationErrors errors, CancellationToken ct)
        {
            if (RectificationSources.LabelOf(source) is null)
            {
                errors.Add("source", string.IsNullOrWhiteSpace(source)
                    ? $"请选择问题来源：{string.Join("、", RectificationSources.All.Select(s => $"{s.Code}（{s.Label}）"))}。"
                    : $"问题来源只能是：{string.Join("、", RectificationSources.All.Select(s => $"{s.Code}（{s.Label}）"))}。");
                return SourceLinks.None;
            }
            if (sourceRef is null || unitId is not { } unit)
            {
                return SourceLinks.None;
            }
            if (source == RectificationSources.Complaint)
            {
                var number = sourceRef.ToUpperInvariant();
                var complaintId = await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number && c.UnitId == unit).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
                if (complaintId is null)
                {
                    errors.Add("sourceRef", $"该单位没有受理编号为“{sourceRef}”的反映。");
                }
                return SourceLinks.None with { Complaint = complaintId };
            }
            if (source == RectificationSources.PriorYear)
            {
                errors.Add("sourceRef", "上年度评议结果没有可关联的记录，请在问题描述中写明。");
                return SourceLinks.None;
            }
            if (!long.TryParse(sourceRef, NumberStyles.None, CultureInfo.InvariantCulture, out var refId))
            {
                errors.Add("sourceRef", "关联记录应为记录编号（数字）。");
                return SourceLinks.None;
            }
            var exists = source switch
            {
                RectificationSources.Inspection => await db.Inspections.AnyAsync(x => x.Id == refId && x.RoundId == roundId && x.UnitId == unit, ct),
                RectificationSources.Deduction => await db.Deductions.AnyAsync(x => x.Id == refId && x.RoundId == roundId && x.UnitId == unit, ct),
                _ => await db.EvaluationResponses.AnyAsync(x => x.Id == refId && x.RoundId == roundId && x.UnitId == unit && x.Source == EvaluationCodes.UnitChannel, ct),
            };
            if (!exists)
            {
                errors.Add("sourceRef", $"本年度该单位没有编号为 {refId} 的{RectificationSources.LabelOf(source)}记录。");
                return SourceLinks.None;
            }
            return source switch
            {
                RectificationSources.Inspection => SourceLinks.None with { Inspection = refId },
                RectificationSources.Deduction => SourceLinks.None with { Deduction = refId },
                _ => SourceLinks.None with { Response = refId },
            };
        }

        /// <summary>The due date: a yyyy-MM-dd date from today to two years on.</summary>
        private static DateOnly DueOn(string? text, DateOnly today, ValidationErrors errors)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add("dueOn", "请填写整改时限（如 2020-12-31）。");
            }
            else if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
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
            else
            {
                return due;
            }
            return default;
        }

        private sealed record SourceLinks(long? Inspection, long? Deduction, long? Complaint, long? Response)
        {
            public static readonly SourceLinks None = new(null, null, null, null);
        }
    }

    /// <summary>POST a new rectification item (supervisor, or a unit handler for their own unit).</summary>
    private static void MapCreate(RouteGroupBuilder api) =>
        api.MapPost("/evaluations/{year:int}/ledger", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<CreateRequest, ItemView>(http, body => handler.CreateAsync(year, body, http.User, ct),
                    result => result.ToCreated(item => $"/api/v1/evaluations/{year}/ledger/{item.Id}"), ct))
            .RequireAuthorization()
            .WithName("CreateLedgerItem")
            .Produces<ItemView>(StatusCodes.Status201Created)
            .WithSummary("登记整改事项")
            .WithDescription("Body: { \"unitCode\", \"source\": \"unit-channel\" | \"inspection\" | \"deduction\" | \"complaint\" | \"prior-year\", \"sourceRef\"?, \"problem\", \"measures\", \"owner\", \"dueOn\": \"yyyy-MM-dd\" }.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
