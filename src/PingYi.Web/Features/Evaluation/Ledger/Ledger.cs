using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>
/// 整改台账: problems found in a unit's work style (from its own channel, an inspection, a deduction, a complaint
/// or last year's result) with measures, an owner and a due date; the unit reports progress and evidence, a
/// supervisor verifies the completion. Unlike the inputs, the ledger stays open after a round closes:
/// rectification goes on after the scores are frozen.
/// </summary>
public static partial class RectificationLedger
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

    public sealed partial class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, AuditLog audit, TimeProvider time)
    {
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
                return RequestFailure.NotFound("整改事项不存在", "id", "没有这条整改事项。");
            }
            if (requirement != RectificationRequirement.View && !(await authorization.AuthorizeAsync(user, new UnitTarget(item.UnitId), requirement)).Succeeded)
            {
                return Forbidden(requirement == RectificationRequirement.Review
                    ? "只有纪检监察工委可以核验整改事项。"
                    : "只有本单位的承办人可以报告整改进展、上传佐证材料。");
            }
            return item;
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
            RequestFailure.Conflict("事项不在整改中", "$",
                $"该事项{RectificationStatuses.LabelOf(item.Status)}，不能再报告进展或上传材料。");

        private static RequestFailure Forbidden(string message) => RequestFailure.Forbidden("无权操作", "$", message);
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
        MapList(api);
        MapCreate(api);
        MapGet(api);
        MapReport(api);
        MapAddEvidence(api);
        MapGetEvidence(api);
        MapReview(api);
    }
}
