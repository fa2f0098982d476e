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

/// <summary>
/// 整改台账: problems found in a unit's work style (from its own channel, an inspection, a deduction, a complaint
/// or last year's result) with measures, an owner and a due date; the unit reports progress and evidence, a
/// supervisor verifies the completion. Unlike the inputs, the ledger stays open after a round closes:
/// rectification goes on after the scores are frozen.
/// </summary>
public static class RectificationLedger
{
    public const int MaxEvidence = 10;

    public sealed record CreateRequest(string? UnitCode, string? Source, string? SourceRef, string? Problem, string? Measures, string? Owner, string? DueOn);

    public sealed record ProgressRequest(string? Note, bool? Completed);

    public sealed record ReviewRequest(string? Decision, string? Note);

    /// <summary>The record the problem came from: its reference, a one-line summary, and a staff page where there is one.</summary>
    public sealed record OriginView(string Ref, string Summary, string? Link);

    public sealed record ItemView(
        long Id, int Year, string UnitCode, string UnitName, string Source, string SourceLabel, OriginView? Origin,
        string Problem, string Measures, string Owner, string DueOn, string Status, string StatusLabel, bool Overdue,
        int Evidence, DateTime CreatedAt, DateTime? CompletedAt, DateTime? VerifiedAt);

    public sealed record ProgressView(string Kind, string Note, string By, DateTime At);

    public sealed record EvidenceView(string Id, string FileName, long SizeBytes, DateTime UploadedAt, string Link);

    public sealed record Detail(ItemView Item, IReadOnlyList<ProgressView> Progress, IReadOnlyList<EvidenceView> EvidenceFiles, bool CanReport, bool CanReview);

    public sealed record Counts(int Open, int Overdue, int Done, int Verified);

    public sealed record ListView(int Year, string? UnitCode, string? Status, Counts Counts, IReadOnlyList<ItemView> Items);

    public static readonly IReadOnlyList<(string Code, string Label)> StatusFilters =
        [("open", "整改中"), ("overdue", "已逾期"), ("done", "待核验"), ("verified", "已销号")];

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
        public async Task<Result<ListView>> ListAsync(int year, string? unitCode, string? status, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var round = found.Value!.Round;
            var errors = new ValidationErrors();
            int? unitId = null;
            string? code = null;
            if (!string.IsNullOrWhiteSpace(unitCode))
            {
                var unit = await rounds.UnitAsync(unitCode, ct);
                if (unit is null)
                {
                    errors.Add("unit", $"没有代码为“{unitCode}”的参评单位。");
                }
                (unitId, code) = (unit?.Id, unit?.Code);
            }
            else if (!user.IsInRole(StaffRoles.Supervisor) && user.UnitId() is { } own)
            {
                // A unit's handler asking for "everything" means their own unit.
                unitId = own;
                code = await db.Units.AsNoTracking().Where(u => u.Id == own).Select(u => u.Code).FirstOrDefaultAsync(ct);
            }
            if (status is not null && StatusFilters.All(s => s.Code != status))
            {
                errors.Add("status", $"状态只能是：{string.Join("、", StatusFilters.Select(s => $"{s.Code}（{s.Label}）"))}。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            if (unitId is null ? !user.IsInRole(StaffRoles.Supervisor)
                : !(await authorization.AuthorizeAsync(user, new UnitTarget(unitId.Value), RectificationRequirement.View)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权查看", "unit", "您只能查看本单位的整改台账。");
            }

            var today = ChinaTime.Today(time);
            var query = db.RectificationItems.AsNoTracking().Where(i => i.RoundId == round.Id);
            if (unitId is { } id)
            {
                query = query.Where(i => i.UnitId == id);
            }
            var counts = new Counts(
                await query.CountAsync(i => i.Status == RectificationStatus.Open, ct),
                await query.CountAsync(RectificationRules.OverdueOn(today), ct),
                await query.CountAsync(i => i.Status == RectificationStatus.Done, ct),
                await query.CountAsync(i => i.Status == RectificationStatus.Verified, ct));
            query = status switch
            {
                "open" => query.Where(i => i.Status == RectificationStatus.Open),
                "overdue" => query.Where(RectificationRules.OverdueOn(today)),
                "done" => query.Where(i => i.Status == RectificationStatus.Done),
                "verified" => query.Where(i => i.Status == RectificationStatus.Verified),
                _ => query,
            };
            var items = await query.ToListAsync(ct);
            var views = await ViewsAsync(year, items, today, ct);
            // Overdue first (longest overdue first), then open by due date, then waiting for verification, then closed.
            var ordered = views.OrderBy(v => v.Overdue ? 0 : v.Status == "open" ? 1 : v.Status == "done" ? 2 : 3)
                .ThenBy(v => v.DueOn, StringComparer.Ordinal).ThenBy(v => v.Id).ToList();
            return new ListView(year, code, status, counts, ordered);
        }

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

        public async Task<Result<Detail>> GetAsync(int year, long id, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.View, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            var today = ChinaTime.Today(time);
            var view = (await ViewsAsync(year, [item], today, ct))[0];
            var people = await EmailsAsync(item.Progress.Select(p => p.ById), ct);
            var files = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == item.Id)
                .OrderBy(f => f.Id)
                .Select(f => new { f.Id, f.PublicId, f.FileName, f.SizeBytes, f.UploadedAtUtc })
                .ToListAsync(ct);
            return new Detail(view,
                item.Progress.OrderBy(p => p.AtUtc).ThenBy(p => p.Id)
                    .Select(p => new ProgressView(KindCode(p.Kind), p.Note, people.GetValueOrDefault(p.ById, ""), p.AtUtc)).ToList(),
                files.Select(f => new EvidenceView(f.PublicId, f.FileName, f.SizeBytes, f.UploadedAtUtc, $"/api/v1/evaluations/{year}/ledger/{item.Id}/evidence/{f.PublicId}")).ToList(),
                item.Status == RectificationStatus.Open && (await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), RectificationRequirement.Report)).Succeeded,
                item.Status == RectificationStatus.Done && (await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), RectificationRequirement.Review)).Succeeded);
        }

        public async Task<Result<ItemView>> ReportAsync(int year, long id, ProgressRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Report, user, tracking: true, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Open)
            {
                return NotOpen(item);
            }
            var errors = new ValidationErrors();
            var note = Required(errors, "note", request.Note, true, RectificationItem.MaxNoteLength, "整改进展");
            var completed = request.Completed == true;
            if (completed && !await db.EvaluationFiles.AnyAsync(f => f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == item.Id, ct))
            {
                errors.Add("completed", "报告整改完成前，请先上传整改完成的佐证材料。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            item.Report(note!, completed, user.UserId()!, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            return (await ViewsAsync(year, [item], ChinaTime.Today(time), ct))[0];
        }

        public async Task<Result<int>> AddEvidenceAsync(int year, long id, IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Report, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Open)
            {
                return NotOpen(item);
            }
            return await EvaluationFileUploads.AttachAsync(db, EvaluationFileOwner.RectificationEvidence, item.Id, item.RoundId, item.UnitId,
                MaxEvidence, uploads, user, time.GetUtcNow().UtcDateTime, "请选择佐证材料", "请至少上传一个整改佐证文件。", ct);
        }

        public async Task<Result<ItemView>> ReviewAsync(int year, long id, ReviewRequest request, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.Review, user, tracking: true, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var item = found.Value!;
            if (item.Status != RectificationStatus.Done)
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "不能核验", "$",
                    $"该事项{RectificationStatuses.LabelOf(item.Status)}，只有单位报告已完成的事项才能核验。");
            }
            var errors = new ValidationErrors();
            var accept = request.Decision switch { "verify" => true, "send-back" => false, _ => (bool?)null };
            if (accept is null)
            {
                errors.Add("decision", "核验结论只能是 verify（核验销号）或 send-back（退回继续整改）。");
            }
            var note = Text.Clean(request.Note, multiline: true);
            if (accept == false && note is null)
            {
                errors.Add("note", "退回时请写明理由。");
            }
            else if (note is { Length: > RectificationItem.MaxNoteLength })
            {
                errors.Add("note", $"核验意见不能超过 {RectificationItem.MaxNoteLength} 字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var before = RectificationStatuses.CodeOf(item.Status);
            item.Review(accept!.Value, note, user.UserId()!, time.GetUtcNow().UtcDateTime);
            audit.Record(user, AuditKinds.RectificationReviewed, $"ledger:{item.Id}", new { status = before },
                new { status = RectificationStatuses.CodeOf(item.Status), note });
            await db.SaveChangesAsync(ct);
            return (await ViewsAsync(year, [item], ChinaTime.Today(time), ct))[0];
        }

        public async Task<Result<EvaluationFile>> EvidenceFileAsync(int year, long id, string fileId, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await FindAsync(year, id, RectificationRequirement.View, user, tracking: false, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var file = await db.EvaluationFiles.AsNoTracking()
                .SingleOrDefaultAsync(f => f.PublicId == fileId && f.Owner == EvaluationFileOwner.RectificationEvidence && f.OwnerId == id, ct);
            return file is null
                ? RequestFailure.Field(StatusCodes.Status404NotFound, "文件不存在", "fileId", "该整改事项没有这个佐证文件。")
                : file;
        }

        /// <summary>
        /// The item, if the user may do <paramref name="requirement"/> on it. Someone who may not even see it gets
        /// 404, as if it did not exist (a unit learns nothing of another unit's ledger); one who sees it but may
        /// not act gets 403.
        /// </summary>
        private async Task<Result<RectificationItem>> FindAsync(int year, long id, RectificationRequirement requirement, ClaimsPrincipal user, bool tracking, CancellationToken ct)
        {
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var roundId = found.Value!.Round.Id;
            var query = db.RectificationItems.Include(i => i.Progress).Where(i => i.Id == id && i.RoundId == roundId);
            var item = await (tracking ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
            if (item is null || !(await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), RectificationRequirement.View)).Succeeded)
            {
                return RequestFailure.Field(StatusCodes.Status404NotFound, "整改事项不存在", "id", "没有这条整改事项。");
            }
            if (requirement != RectificationRequirement.View && !(await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), requirement)).Succeeded)
            {
                return Forbidden(requirement == RectificationRequirement.Review
                    ? "只有纪检监察工委可以核验整改事项。"
                    : "只有本单位的承办人可以报告整改进展、上传佐证材料。");
            }
            return item;
        }

        private async Task<List<ItemView>> ViewsAsync(int year, IReadOnlyList<RectificationItem> items, DateOnly today, CancellationToken ct)
        {
            if (items.Count == 0)
            {
                return [];
            }
            var unitIds = items.Select(i => i.UnitId).Distinct().ToList();
            var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
            var ids = items.Select(i => (long?)i.Id).ToList();
            var evidence = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.Owner == EvaluationFileOwner.RectificationEvidence && ids.Contains(f.OwnerId))
                .GroupBy(f => f.OwnerId).Select(g => new { Id = g.Key!.Value, Count = g.Count() })
                .ToDictionaryAsync(x => x.Id, x => x.Count, ct);
            var origins = await OriginsAsync(year, items, ct);
            return items.Select(i => new ItemView(i.Id, year, units[i.UnitId].Code, units[i.UnitId].Name, i.Source, RectificationSources.LabelOf(i.Source) ?? i.Source,
                    origins.GetValueOrDefault(i.Id), i.Problem, i.Measures, i.Owner, i.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    RectificationStatuses.CodeOf(i.Status), RectificationStatuses.LabelOf(i.Status), RectificationRules.IsOverdue(i, today),
                    evidence.GetValueOrDefault(i.Id), i.CreatedAtUtc, i.CompletedAtUtc, i.VerifiedAtUtc))
                .ToList();
        }

        private async Task<Dictionary<long, OriginView>> OriginsAsync(int year, IReadOnlyList<RectificationItem> items, CancellationToken ct)
        {
            var result = new Dictionary<long, OriginView>();
            var complaintIds = items.Where(i => i.ComplaintId is not null).Select(i => i.ComplaintId!.Value).Distinct().ToList();
            // Only the tracking number: the ledger is read by the unit, and the complaint page applies its own privacy rule.
            var complaints = complaintIds.Count == 0 ? [] : await db.Complaints.AsNoTracking().Where(c => complaintIds.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, c => c.TrackingNumber, ct);
            var inspectionIds = items.Where(i => i.InspectionId is not null).Select(i => i.InspectionId!.Value).Distinct().ToList();
            var inspections = inspectionIds.Count == 0 ? [] : await db.Inspections.AsNoTracking().Where(x => inspectionIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.VisitedOn, x.Covert }, ct);
            var deductionIds = items.Where(i => i.DeductionId is not null).Select(i => i.DeductionId!.Value).Distinct().ToList();
            var deductions = deductionIds.Count == 0 ? [] : await db.Deductions.AsNoTracking().Where(x => deductionIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.Points, x.RecordedAtUtc }, ct);
            var responseIds = items.Where(i => i.ResponseId is not null).Select(i => i.ResponseId!.Value).Distinct().ToList();
            var responses = responseIds.Count == 0 ? [] : await db.EvaluationResponses.AsNoTracking().Where(x => responseIds.Contains(x.Id))
                .ToDictionaryAsync(x => x.Id, x => new { x.Rating, x.CreatedAtUtc }, ct);
            foreach (var i in items)
            {
                if (i.ComplaintId is { } c && complaints.TryGetValue(c, out var number))
                {
                    result[i.Id] = new OriginView(number, $"直通车反映 {number}", "/staff/complaints/" + Uri.EscapeDataString(number));
                }
                else if (i.InspectionId is { } n && inspections.TryGetValue(n, out var inspection))
                {
                    result[i.Id] = new OriginView(n.ToString(CultureInfo.InvariantCulture),
                        $"{inspection.VisitedOn:yyyy-MM-dd} {(inspection.Covert ? "暗访" : "明察")}（检查记录 {n}）", null);
                }
                else if (i.DeductionId is { } d && deductions.TryGetValue(d, out var deduction))
                {
                    var unit = await db.Units.AsNoTracking().Where(u => u.Id == i.UnitId).Select(u => u.Code).FirstAsync(ct);
                    result[i.Id] = new OriginView(d.ToString(CultureInfo.InvariantCulture),
                        $"{ChinaTime.DateOf(deduction.RecordedAtUtc):yyyy-MM-dd} 扣 {deduction.Points} 分（扣分记录 {d}）",
                        $"/staff/evaluation/deductions?year={year}&unit={unit}#deduction-{d}");
                }
                else if (i.ResponseId is { } r && responses.TryGetValue(r, out var response))
                {
                    result[i.Id] = new OriginView(r.ToString(CultureInfo.InvariantCulture),
                        $"{ChinaTime.DateOf(response.CreatedAtUtc):yyyy-MM-dd} 群众评价：{RatingLabel(response.Rating)}（评价 {r}）", null);
                }
            }
            return result;
        }

        private static string RatingLabel(string code) => code switch
        {
            "satisfied" => "满意",
            "basically-satisfied" => "基本满意",
            "dissatisfied" => "不满意",
            _ => code,
        };

        private async Task<Dictionary<string, string>> EmailsAsync(IEnumerable<string> ids, CancellationToken ct)
        {
            var list = ids.Distinct().ToList();
            return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? "", ct);
        }

        private static string? Required(ValidationErrors errors, string field, string? value, bool multiline, int max, string label)
        {
            var text = Text.Clean(value, multiline);
            if (text is null)
            {
                errors.Add(field, $"请填写{label}。");
            }
            else if (text.Length > max)
            {
                errors.Add(field, $"{label}不能超过 {max} 字。");
            }
            return text;
        }

        private static RequestFailure NotOpen(RectificationItem item) =>
            RequestFailure.Field(StatusCodes.Status409Conflict, "事项不在整改中", "$",
                $"该事项{RectificationStatuses.LabelOf(item.Status)}，不能再报告进展或上传材料。");

        private static RequestFailure Forbidden(string message) => RequestFailure.Field(StatusCodes.Status403Forbidden, "无权操作", "$", message);
    }

    public static string KindCode(RectificationProgressKind kind) => kind switch
    {
        RectificationProgressKind.Progress => "progress",
        RectificationProgressKind.Completed => "completed",
        RectificationProgressKind.Verified => "verified",
        _ => "sent-back",
    };

    public static string KindLabel(string code) => code switch
    {
        "progress" => "进展报告",
        "completed" => "报告整改完成",
        "verified" => "核验销号",
        _ => "退回继续整改",
    };

    /// <summary>The answer to an upload: how many files the item now has (<c>{ "evidence": n }</c>).</summary>
    public sealed record EvidenceAdded(int Evidence);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/ledger", async (int year, string? unit, string? status, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.ListAsync(year, unit, string.IsNullOrWhiteSpace(status) ? null : status.Trim(), http.User, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ListLedger")
            .Produces<ListView>()
            .WithSummary("整改台账（纪检监察工委：各单位；单位承办人：本单位）")
            .WithDescription("Query: unit (unit code), status = open | overdue | done | verified.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

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

        api.MapGet("/evaluations/{year:int}/ledger/{id:long}", async (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.GetAsync(year, id, http.User, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("GetLedgerItem")
            .Produces<Detail>()
            .WithSummary("整改事项详情（进展、佐证材料）")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/progress", async (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<ProgressRequest>(http, 64 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.ReportAsync(year, id, body.Value!, http.User, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ReportLedgerProgress")
            .Produces<ItemView>()
            .WithSummary("报告整改进展（本单位承办人）")
            .WithDescription("Body: { \"note\", \"completed\"? } — completed needs at least one evidence file.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/evidence", async (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var form = await ApiBody.ReadFormAsync(http, (MaxEvidence * Domain.Complaints.Attachment.MaxBytes) + (64 * 1024), ct);
                if (!form.Succeeded)
                {
                    return form.Failure!.ToProblem();
                }
                var result = await handler.AddEvidenceAsync(year, id, form.Value!.Files.GetFiles(AttachmentUploads.Field).Select(UploadedFile.From).ToList(), http.User, ct);
                return result.Succeeded ? Results.Ok(new EvidenceAdded(result.Value)) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithName("AddLedgerEvidence")
            .Produces<EvidenceAdded>()
            .WithSummary("上传整改佐证材料（multipart，字段 attachments）")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/evaluations/{year:int}/ledger/{id:long}/evidence/{fileId}", async (int year, long id, string fileId, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.EvidenceFileAsync(year, id, fileId, http.User, ct);
                return result.Succeeded
                    ? Results.File(result.Value!.Content, result.Value.ContentType, result.Value.FileName)
                    : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("GetLedgerEvidence")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .WithSummary("下载整改佐证材料")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/evaluations/{year:int}/ledger/{id:long}/review", async (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<ReviewRequest>(http, 64 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.ReviewAsync(year, id, body.Value!, http.User, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ReviewLedgerItem")
            .Produces<ItemView>()
            .WithSummary("核验整改事项（纪检监察工委）")
            .WithDescription("Body: { \"decision\": \"verify\" | \"send-back\", \"note\"? } — send-back needs a note.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
