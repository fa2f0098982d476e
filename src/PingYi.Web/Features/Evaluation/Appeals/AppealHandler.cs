using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Features.Scoring;
using PingYi.Web.Infrastructure;
using static PingYi.Web.Features.Evaluation.Appeals.AppealViews;

namespace PingYi.Web.Features.Evaluation.Appeals;

/// <summary>
/// 公示 and 申诉: after a round closes, for the scheme's <c>preview.workingDays</c>, a unit's handlers see their own
/// score and breakdown and may appeal one input at a time; a supervisor other than the filer decides; an upheld
/// appeal takes the input out of the score (<see cref="EvaluationExclusion"/>), the unit is told by mail, and both
/// steps are audited. Approval waits for every appeal to be decided (<see cref="ListRounds"/>).
/// </summary>
public sealed partial class AppealHandler(
    PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time, WorkflowRuntime workflows,
    ScoringResults results, IChannelScores channel, MailTemplates templates, MailSettings mail)
{
    public const int MaxEvidence = 5;

    /// <summary>The end of the 公示: 24:00 China time on the scheme's N-th working day after the closing day; null unless closed.</summary>
    public DateTime? PreviewEnds(RoundContext round) =>
        round.Round.Status == RoundStatus.Closed && round.Round.ClosedAtUtc is { } closed
            ? workflows.Calendar.DeadlineUtc(DateTime.SpecifyKind(closed, DateTimeKind.Utc), round.Definition.PreviewWorkingDays)
            : null;

    public async Task<Result<AppealViews.Appeal>> FileAsync(int year, FileRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await rounds.FindAsync(year, ct);
        if (!found.Succeeded)
        {
            return found.Failure!;
        }
        var round = found.Value!;
        var unit = await rounds.UnitAsync(request.UnitCode, ct);
        if (unit is null)
        {
            return RequestFailure.Invalid("单位不存在", "unitCode",
                string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写申诉单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
        }
        if (!(await authorization.AuthorizeAsync(user, new UnitTarget(unit.Id), AppealRequirement.File)).Succeeded)
        {
            return RequestFailure.Forbidden("无权申诉", "unitCode", "只有本单位的办理人员可以对本单位的评议结果提出申诉。");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (OutsidePreview(round, now) is { } outside)
        {
            return outside;
        }
        var errors = new ValidationErrors();
        var kind = AppealCodes.Kinds.TryParse(request.Item?.Kind?.Trim(), out var k) ? k : (AppealKind?)null;
        if (kind is null)
        {
            errors.Add("item.kind", $"申诉事项类型只能是：{AppealCodes.Kinds.CodesForMessage}。");
        }
        var reference = request.Item?.Ref?.Trim();
        var ground = request.Item?.Ground?.Trim();
        if (string.IsNullOrEmpty(reference) || reference.Length > 64)
        {
            errors.Add("item.ref", "请填写申诉事项（案件编号或记录编号）。");
        }
        if (kind == AppealKind.Complaint && (ground is null || !AppealCodes.Grounds.ContainsKey(ground)))
        {
            errors.Add("item.ground", $"案件核减须说明理由类型：{string.Join("、", AppealCodes.Grounds.Select(g => $"{g.Key}（{g.Value}）"))}。");
        }
        var reason = Text.Clean(request.Reason, multiline: true);
        if (reason is null || reason.Length > AppealCodes.MaxReasonLength)
        {
            errors.Add("reason", $"请填写申诉理由（不超过 {AppealCodes.MaxReasonLength} 字）。");
        }
        long? target = null;
        if (errors.IsEmpty)
        {
            target = await TargetAsync(round, unit, kind!.Value, reference!, ct);
            if (target is null)
            {
                errors.Add("item.ref", $"本单位 {year} 年度计分依据中没有这一{AppealCodes.Kinds.LabelOf(kind.Value)}：“{reference}”。");
            }
        }
        if (!errors.IsEmpty)
        {
            return RequestFailure.Invalid(errors);
        }
        if (await db.Appeals.AnyAsync(a => a.RoundId == round.Round.Id && a.UnitId == unit.Id && a.Kind == kind && a.TargetId == target, ct))
        {
            return OnePerItem();
        }
        var appeal = new Domain.Evaluation.Appeal(round.Round.Id, unit.Id, kind!.Value, reference!, target!.Value,
            kind == AppealKind.Complaint ? ground : null, reason!, user.UserId()!, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Appeals.Add(appeal);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request filed the same item between the check and the save (the unique index).
            return OnePerItem();
        }
        audit.Record(user, AuditKinds.AppealFiled, $"appeal:{appeal.Id}", null,
            new { year, unit = unit.Code, kind = AppealCodes.Kinds.CodeOf(appeal.Kind), @ref = appeal.Ref, ground = appeal.Ground, reason = appeal.Reason });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (await ViewsAsync(year, db.Appeals.Where(a => a.Id == appeal.Id), ct)).Single();
    }

    /// <summary>409 unless <paramref name="now"/> is within the round's 公示 (closed, before the preview's end).</summary>
    private RequestFailure? OutsidePreview(RoundContext round, DateTime now)
    {
        var year = round.Round.Year;
        return PreviewEnds(round) is not { } ends
            ? RequestFailure.Conflict("不在公示期", "year", $"{year} 年度评议{RoundStatuses.LabelOf(round.Round.Status)}，只能在截止后的公示期内申诉。")
            : now >= ends
                ? RequestFailure.Conflict("不在公示期", "year", $"{year} 年度评议结果公示期已于 {ChinaTime.DateOf(ends.AddTicks(-1)):yyyy年M月d日} 结束，不再受理申诉。")
                : null;
    }

    private static RequestFailure OnePerItem() =>
        RequestFailure.Conflict("已对该事项提出申诉", "item", "每一事项只能申诉一次，本单位已对该事项提出过申诉。");

    /// <summary>The database id of the item if it entered the unit's score in this round, else null.</summary>
    private async Task<long?> TargetAsync(RoundContext round, Domain.Units.Unit unit, AppealKind kind, string reference, CancellationToken ct)
    {
        var roundId = round.Round.Id;
        if (kind == AppealKind.Complaint)
        {
            // Only a complaint counted in the unit's channel tally of the round can be 核减.
            var cases = await channel.CasesAsync(round.Definition, results.CutoffFor(round.Definition), unit.Code, ct);
            var number = reference.ToUpperInvariant();
            if (!cases.Any(c => string.Equals(c.TrackingNumber, number, StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }
            return await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        }
        if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }
        var exists = kind switch
        {
            AppealKind.Deduction => await db.Deductions.AnyAsync(d => d.Id == id && d.RoundId == roundId && d.UnitId == unit.Id, ct),
            AppealKind.Inspection => await db.Inspections.AnyAsync(i => i.Id == id && i.RoundId == roundId && i.UnitId == unit.Id, ct),
            _ => await db.EvaluationResponses.AnyAsync(r => r.Id == id && r.RoundId == roundId && r.UnitId == unit.Id
                && ScoringResults.RatedSources.Contains(r.Source) && !r.AwaitingConfirmation, ct),
        };
        return exists ? id : null;
    }

    /// <summary>A unit's handlers list their own unit's appeals; supervisors and admins every unit's (or one's, with <paramref name="unitCode"/>).</summary>
    public async Task<Result<List>> ListAsync(int year, string? unitCode, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await rounds.FindAsync(year, ct);
        if (!found.Succeeded)
        {
            return found.Failure!;
        }
        var round = found.Value!;
        var query = db.Appeals.AsNoTracking().Where(a => a.RoundId == round.Round.Id);
        var seesAll = user.IsCommittee();
        if (!seesAll)
        {
            if (user.OwnUnit() is not { } own)
            {
                return RequestFailure.Forbidden("无权查看申诉", "$", "只有本单位的办理人员和纪检监察工委可以查看申诉。");
            }
            var asked = string.IsNullOrWhiteSpace(unitCode) ? null : await rounds.UnitAsync(unitCode, ct);
            if (asked is not null && asked.Id != own || !string.IsNullOrWhiteSpace(unitCode) && asked is null)
            {
                return RequestFailure.Forbidden("无权查看申诉", "unit", "您只能查看本单位的申诉。");
            }
            query = query.Where(a => a.UnitId == own);
        }
        else if (!string.IsNullOrWhiteSpace(unitCode))
        {
            var asked = await rounds.UnitAsync(unitCode, ct);
            if (asked is null)
            {
                return RequestFailure.Invalid("单位不存在", "unit", $"没有代码为“{unitCode}”的参评单位。");
            }
            query = query.Where(a => a.UnitId == asked.Id);
        }
        var items = await ViewsAsync(year, query, ct);
        var ends = PreviewEnds(round);
        var pending = await db.Appeals.CountAsync(a => a.RoundId == round.Round.Id && a.Status == AppealStatus.Pending, ct);
        return new List(year, RoundStatuses.CodeOf(round.Round.Status), round.Definition.PreviewWorkingDays, ends,
            ends is { } e && time.GetUtcNow().UtcDateTime < e, seesAll ? pending : items.Count(i => i.Status == "pending"), items);
    }

    private async Task<IReadOnlyList<AppealViews.Appeal>> ViewsAsync(int year, IQueryable<Domain.Evaluation.Appeal> query, CancellationToken ct)
    {
        var rows = await (from a in query
                          join u in db.Units on a.UnitId equals u.Id
                          join f in db.Users on a.FiledById equals f.Id
                          join d in db.Users on a.DecidedById equals d.Id into decided
                          from d in decided.DefaultIfEmpty()
                          orderby a.Status == AppealStatus.Pending descending, a.Id
                          select new { Appeal = a, u.Code, u.Name, Filer = f.Email, Decider = d == null ? null : d.Email })
            .ToListAsync(ct);
        var ids = rows.Select(r => (long?)r.Appeal.Id).ToList();
        var evidence = await db.EvaluationFiles.AsNoTracking().Where(f => f.Owner == EvaluationFileOwner.AppealEvidence && ids.Contains(f.OwnerId))
            .GroupBy(f => f.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var evidenceOf = evidence.ToDictionary(g => g.Key!.Value, g => g.Count);
        return rows.Select(r => new AppealViews.Appeal(r.Appeal.Id, year, r.Code, r.Name, ItemOf(r.Appeal), r.Appeal.Reason,
            AppealCodes.Statuses.CodeOf(r.Appeal.Status), AppealCodes.Statuses.LabelOf(r.Appeal.Status), r.Filer ?? "",
            DateTime.SpecifyKind(r.Appeal.FiledAtUtc, DateTimeKind.Utc), r.Decider,
            r.Appeal.DecidedAtUtc is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null, r.Appeal.DecisionReason,
            evidenceOf.GetValueOrDefault(r.Appeal.Id))).ToList();
    }

    /// <summary>
    /// A supervisor (not the filer) upholds or rejects a pending appeal with a reason. Upheld: the item is excluded from
    /// the unit's score in the same transaction as the decision, its audit record and the unit's mail.
    /// </summary>
    public async Task<Result<Decided>> DecideAsync(int year, long id, DecisionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await rounds.FindAsync(year, ct);
        if (!found.Succeeded)
        {
            return found.Failure!;
        }
        var round = found.Value!;
        var appeal = await db.Appeals.SingleOrDefaultAsync(a => a.Id == id && a.RoundId == round.Round.Id, ct);
        if (appeal is null || !(await authorization.AuthorizeAsync(user, new UnitTarget(appeal.UnitId), AppealRequirement.View)).Succeeded)
        {
            return RequestFailure.NotFound("申诉不存在", "id", "没有这条申诉。");
        }
        if (!(await authorization.AuthorizeAsync(user, new UnitTarget(appeal.UnitId), AppealRequirement.Decide)).Succeeded)
        {
            return RequestFailure.Forbidden("无权裁定申诉", "$", "只有纪检监察工委可以裁定申诉。");
        }
        if (appeal.FiledById == user.UserId())
        {
            return RequestFailure.Forbidden("须由另一人裁定", "$", "申诉须由申诉人以外的工作人员裁定。");
        }
        if (appeal.Status != AppealStatus.Pending || round.Round.Status == RoundStatus.Approved)
        {
            return RequestFailure.Conflict("申诉已裁定", "id", round.Round.Status == RoundStatus.Approved
                ? $"{year} 年度评议结果已审定，不能再裁定申诉。" : $"该申诉已于先前裁定（{AppealCodes.Statuses.LabelOf(appeal.Status)}）。");
        }
        var errors = new ValidationErrors();
        if (request.Upheld is null)
        {
            errors.Add("upheld", "请选择申诉是否成立。");
        }
        var reason = Text.Clean(request.Reason, multiline: true);
        if (reason is null || reason.Length > AppealCodes.MaxReasonLength)
        {
            errors.Add("reason", $"请填写裁定理由（不超过 {AppealCodes.MaxReasonLength} 字），将告知申诉单位并记入审计日志。");
        }
        if (!errors.IsEmpty)
        {
            return RequestFailure.Invalid(errors);
        }
        var unit = await db.Units.AsNoTracking().SingleAsync(u => u.Id == appeal.UnitId, ct);
        var before = (await results.LiveAsync(round, ct)).Results.Find(unit.Code)?.Score;
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        appeal.Decide(request.Upheld!.Value, reason!, user.UserId()!, now);
        if (appeal.Status == AppealStatus.Upheld)
        {
            db.EvaluationExclusions.Add(new EvaluationExclusion(year, appeal.UnitId, appeal.Kind, appeal.TargetId, appeal.Id, now));
        }
        await db.SaveChangesAsync(ct);
        // Recomputed inside the transaction: it sees the exclusion (the kept live result is dropped on commit).
        var after = appeal.Status == AppealStatus.Upheld ? (await results.ComputeAsync(round, ct)).Find(unit.Code)?.Score : before;
        audit.Record(user, AuditKinds.AppealDecided, $"appeal:{appeal.Id}", new { status = "pending", score = before },
            new { status = AppealCodes.Statuses.CodeOf(appeal.Status), year, unit = unit.Code, kind = AppealCodes.Kinds.CodeOf(appeal.Kind), @ref = appeal.Ref, reason, score = after });
        await NotifyAsync(year, appeal, unit, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var view = (await ViewsAsync(year, db.Appeals.Where(a => a.Id == appeal.Id), ct)).Single();
        return new Decided(view, before, after);
    }

    /// <summary>The decision by mail to the unit's handlers and contact addresses, through the outbox (saved with the decision).</summary>
    private async Task NotifyAsync(int year, Domain.Evaluation.Appeal appeal, Domain.Units.Unit unit, DateTime now, CancellationToken ct)
    {
        var rendered = templates.Render(MailTemplates.AppealDecided, new MailModel
        {
            UnitName = unit.Name,
            Title = $"{AppealCodes.Kinds.LabelOf(appeal.Kind)} {appeal.Ref}",
            Level = appeal.Status == AppealStatus.Upheld ? 1 : 0,
            Note = appeal.DecisionReason,
            Reference = year.ToString(CultureInfo.InvariantCulture),
            Link = mail.Link($"/staff/scoring/{year}/units/{unit.Code}"),
        });
        var notBefore = mail.QuietHours ? QuietHours.NextWorkingTimeUtc(now, workflows.Calendar) : now;
        foreach (var recipient in (await NoticeWriter.UnitAddressesAsync(db, unit.Id, now, ct)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            db.OutboxMessages.Add(NoticeWriter.NewMessage(mail, MailTemplates.AppealDecided, null, recipient, rendered, now, notBefore, $"appeal:{appeal.Id}:decided"));
        }
    }

    /// <summary>Evidence for a pending appeal, by the filing unit's handlers (checked by content like every upload).</summary>
    public async Task<Result<int>> AddEvidenceAsync(int year, long id, IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await rounds.FindAsync(year, ct);
        if (!found.Succeeded)
        {
            return found.Failure!;
        }
        var appeal = await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.RoundId == found.Value!.Round.Id, ct);
        if (appeal is null || !(await authorization.AuthorizeAsync(user, new UnitTarget(appeal.UnitId), AppealRequirement.View)).Succeeded)
        {
            return RequestFailure.NotFound("申诉不存在", "id", "没有这条申诉。");
        }
        if (!(await authorization.AuthorizeAsync(user, new UnitTarget(appeal.UnitId), AppealRequirement.File)).Succeeded)
        {
            return RequestFailure.Forbidden("无权上传", "$", "只有申诉单位的办理人员可以上传申诉证据。");
        }
        if (appeal.Status != AppealStatus.Pending)
        {
            return RequestFailure.Conflict("申诉已裁定", "id", "申诉已裁定，不能再补充证据。");
        }
        return await EvaluationFileUploads.AttachAsync(db, EvaluationFileOwner.AppealEvidence, appeal.Id, appeal.RoundId, appeal.UnitId,
            MaxEvidence, uploads, user, time.GetUtcNow().UtcDateTime, "请选择证据文件", "请至少上传一个证据文件。", ct);
    }
}
