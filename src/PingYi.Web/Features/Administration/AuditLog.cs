using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using PingYi.Data;
using PingYi.Data.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>The kinds of administrative change the audit log records.</summary>
public static class AuditKinds
{
    public const string UnitCreated = "unit.created";
    public const string UnitUpdated = "unit.updated";
    public const string UnitsImported = "units.imported";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string PasswordReset = "user.password-reset";
    public const string PasswordChanged = "user.password-changed";
    public const string CalendarUploaded = "calendar.uploaded";
    public const string JobRun = "job.run";
    public const string DeductionRecorded = "deduction.recorded";
    public const string RectificationCreated = "ledger.created";
    public const string RectificationReviewed = "ledger.reviewed";
    public const string TwoFactorEnabled = "user.two-factor-enabled";
    public const string TwoFactorReset = "user.two-factor-reset";
    public const string SecurityPolicyChanged = "security.policy-changed";
    public const string Accountability = "evaluation.accountability";
    public const string Publication = "evaluation.publication";
    public const string PriorRanks = "evaluation.prior-ranks";
    public const string MonthlySnapshot = "evaluation.monthly-snapshot";
    public const string RoundOpened = "evaluation.round-opened";
    public const string RoundClosed = "evaluation.round-closed";
    public const string RoundApproved = "evaluation.round-approved";
    public const string RoundReopened = "evaluation.round-reopened";
    public const string AppealFiled = "evaluation.appeal-filed";
    public const string AppealDecided = "evaluation.appeal-decided";
    public const string SchemeUploaded = "evaluation.scheme-uploaded";
    public const string SchemeApproved = "evaluation.scheme-approved";
    public const string RatingConfirmed = "evaluation.rating-confirmed";
    public const string SurveyCodesIssued = "evaluation.survey-codes-issued";
    public const string OutboxRevealed = "outbox.revealed";
    public const string StaffAccessCode = "security.staff-access-code";
    public const string ComplainantViewed = "complaint.complainant-viewed";
    public const string SignedIn = "user.signed-in";
    public const string ComplaintRegistered = "complaint.registered";
    public const string AccessCodeRecoveryRequested = "complaint.access-code-recovery-requested";
    public const string AccessCodeRecovered = "complaint.access-code-recovered";
    public const string ReplyTemplateCreated = "reply-template.created";
    public const string ReplyTemplateUpdated = "reply-template.updated";
    public const string ReplyTemplateDeleted = "reply-template.deleted";

    public static readonly IReadOnlyList<(string Code, string Label)> All =
    [
        (UnitCreated, "新增单位"), (UnitUpdated, "修改单位"), (UnitsImported, "批量导入单位"),
        (UserCreated, "新增账号"), (UserUpdated, "修改账号"), (UserDisabled, "停用账号"), (UserEnabled, "启用账号"),
        (PasswordReset, "重置密码"), (PasswordChanged, "修改密码"), (CalendarUploaded, "上传节假日"), (JobRun, "手动运行任务"),
        (DeductionRecorded, "记录扣分"), (RectificationCreated, "登记整改事项"), (RectificationReviewed, "核验整改事项"),
        (TwoFactorEnabled, "启用两步验证"), (TwoFactorReset, "重置两步验证"), (SecurityPolicyChanged, "修改安全设置"),
        (Accountability, "问责标记"), (Publication, "公布评议结果"), (PriorRanks, "导入往年评议结果"),
        (RoundOpened, "开启评议年度"), (RoundClosed, "截止评议"), (RoundApproved, "审定评议结果"), (RoundReopened, "重新开启评议"), (AppealFiled, "提出申诉"), (AppealDecided, "裁定申诉"), (SchemeUploaded, "上传评议方案"), (SchemeApproved, "审定评议方案"), (RatingConfirmed, "确认待审评议"), (SurveyCodesIssued, "生成评价码"), (OutboxRevealed, "查看反映人邮件"),
        (StaffAccessCode, "工作人员使用查询码"),
        (ComplainantViewed, "查看反映人身份信息"),
        (SignedIn, "登录"),
        (ReplyTemplateCreated, "新增常用语"), (ReplyTemplateUpdated, "修改常用语"), (ReplyTemplateDeleted, "删除常用语"),
    ];

    public static string LabelOf(string kind) => All.FirstOrDefault(k => k.Code == kind).Label ?? kind;
}

/// <summary>
/// Adds an <see cref="AuditRecord"/> to the request's DbContext, so that it is saved by the same
/// SaveChanges as the change it describes: a change without its record (or the reverse) cannot happen.
/// Callers pass plain snapshots; never a password, hash or token.
/// </summary>
public sealed class AuditLog(PingYiDbContext db, TimeProvider time, IHttpContextAccessor http)
{
    public const string SystemActor = "system";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Records a change by the signed-in user of the current request (or the system, outside one).</summary>
    public AuditRecord Record(string kind, string target, object? before, object? after) =>
        Record(http.HttpContext?.User, kind, target, before, after);

    public AuditRecord Record(ClaimsPrincipal? actor, string kind, string target, object? before, object? after)
    {
        var id = actor?.UserId();
        var record = new AuditRecord(
            time.GetUtcNow().UtcDateTime,
            id ?? SystemActor,
            id is null ? SystemActor : actor!.Identity?.Name ?? id,
            kind,
            target,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json));
        db.AuditRecords.Add(record);
        return record;
    }
}
