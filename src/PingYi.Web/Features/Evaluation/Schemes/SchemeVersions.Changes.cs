using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Schemes;

public sealed partial class SchemeVersions
{
    /// <summary>Validates and stores a draft as the year's next version; an earlier draft not yet approved is discarded.</summary>
    private async Task<Result<VersionView>> AddDraftAsync(int year, string json, string? reason, ClaimsPrincipal user, CancellationToken ct,
        (int Year, int Version)? copiedFrom = null)
    {
        if (json.Length > EvaluationScheme.MaxJsonLength)
        {
            return RequestFailure.TooLarge("方案文件过大", "scheme", $"评议方案文件不能超过 {EvaluationScheme.MaxJsonLength / 1000} KB。");
        }
        var parsed = Validated(json, year);
        if (!parsed.Succeeded)
        {
            return parsed.Failure!;
        }
        var definition = parsed.Value!;
        if (definition.Year != year)
        {
            return RequestFailure.Invalid("评议方案文件有误", "scheme.year", $"方案文件的年度是 {definition.Year}，与要上传的 {year} 年度不一致。");
        }
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var round = await db.EvaluationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Year == year, ct);
        if (round is { Status: RoundStatus.Approved })
        {
            return RequestFailure.Conflict("评议结果已审定", "year", $"{year} 年度评议结果已审定，方案不能再修改。");
        }
        if (round is not null && reason is null)
        {
            return RequestFailure.Invalid("请说明修改理由", "reason", $"{year} 年度评议已开启，修改方案须说明理由（将记入审计日志）。");
        }
        if (reason is { Length: > EvaluationScheme.MaxReasonLength })
        {
            return RequestFailure.Invalid("理由过长", "reason", $"理由不能超过 {EvaluationScheme.MaxReasonLength} 字。");
        }
        var stored = await db.EvaluationSchemes.Where(s => s.Year == year).ToListAsync(ct);
        var version = stored.Count > 0 ? stored.Max(s => s.Version) + 1 : runtime.File(year) is null ? 1 : 2;
        foreach (var draft in stored.Where(s => s.Status == SchemeStatus.Draft))
        {
            draft.Replace();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var scheme = new EvaluationScheme(year, version, json, reason, user.UserId()!, now);
        if (copiedFrom is { } from)
        {
            scheme.CopiedFrom(from.Year, from.Version);
        }
        db.EvaluationSchemes.Add(scheme);
        audit.Record(user, AuditKinds.SchemeUploaded, $"evaluation:{year}:scheme", null,
            new { version, reason, changes = SchemeFigures.Changes(runtime.Find(year), definition) });
        if (!await SaveAsync(ct))
        {
            return RequestFailure.Conflict("方案已被他人修改", "year", "另一位工作人员刚刚上传了新版本，请刷新后重试。");
        }
        return new VersionView(version, SchemeStatuses.CodeOf(scheme.Status), SchemeStatuses.LabelOf(scheme.Status), "upload", reason,
            user.Identity?.Name, now, null, null);
    }

    /// <summary>审定: a second account approves the latest draft; it becomes the year's scheme (and the open round's).</summary>
    public async Task<Result<VersionView>> ApproveAsync(int year, int version, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await MayManageAsync(user, year))
        {
            return Forbidden();
        }
        var stored = await db.EvaluationSchemes.Where(s => s.Year == year).ToListAsync(ct);
        if (stored.FirstOrDefault(s => s.Version == version) is not { } scheme)
        {
            return RequestFailure.NotFound("方案版本不存在", "version", $"{year} 年度没有第 {version} 版方案。");
        }
        if (scheme.Status != SchemeStatus.Draft)
        {
            return RequestFailure.Conflict("该版本不是待审定的草案", "version", $"第 {version} 版方案{SchemeStatuses.LabelOf(scheme.Status)}。");
        }
        if (scheme.CreatedById == user.UserId())
        {
            return RequestFailure.Forbidden("须由另一人审定", "version", "上传方案的账号不能审定自己上传的方案，请由另一位工作人员审定。");
        }
        var round = await db.EvaluationRounds.SingleOrDefaultAsync(r => r.Year == year, ct);
        if (round is { Status: RoundStatus.Approved })
        {
            return RequestFailure.Conflict("评议结果已审定", "year", $"{year} 年度评议结果已审定，方案不能再修改。");
        }
        var before = runtime.VersionOf(year);
        // Approved today, so held to today's rules, even if the draft was stored by an earlier release.
        var parsed = Validated(scheme.Json, year);
        if (!parsed.Succeeded)
        {
            return parsed.Failure!;
        }
        var definition = parsed.Value!;
        foreach (var approved in stored.Where(s => s.Status == SchemeStatus.Approved))
        {
            approved.Replace();
        }
        var now = time.GetUtcNow().UtcDateTime;
        scheme.Approve(user.UserId()!, now);
        round?.UseScheme(version);
        audit.Record(user, AuditKinds.SchemeApproved, $"evaluation:{year}:scheme", before is null ? null : new { version = before },
            new { version, reason = scheme.Reason, uploadedBy = scheme.CreatedById, roundStatus = round is null ? null : RoundStatuses.CodeOf(round.Status),
                changes = SchemeFigures.Changes(runtime.Find(year), definition) });
        if (!await SaveAsync(ct))
        {
            return RequestFailure.Conflict("方案已被他人修改", "version", "方案刚被另一位工作人员修改，请刷新后重试。");
        }
        await ApplyStoredAsync(db, runtime, ct);
        return new VersionView(version, SchemeStatuses.CodeOf(scheme.Status), SchemeStatuses.LabelOf(scheme.Status), "upload", scheme.Reason,
            null, scheme.CreatedAtUtc, user.Identity?.Name, now);
    }

    private async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    /// <summary>Loads the latest approved version of each year into the runtime; at start-up and periodically, so every node follows.</summary>
    /// <summary>A scheme file checked by the loader, its faults in Chinese against the field they are in.</summary>
    private static Result<EvaluationRoundDefinition> Validated(string json, int year)
    {
        try
        {
            return EvaluationRoundLoader.Parse(json, $"{year}.json");
        }
        catch (EvaluationRoundException e)
        {
            return RequestFailure.Invalid("评议方案文件有误", "scheme" + e.JsonPath.TrimStart('$'), SchemeFaults.Chinese(e.JsonPath, e.Fault));
        }
    }

    public static async Task ApplyStoredAsync(PingYiDbContext db, EvaluationRuntime runtime, CancellationToken ct)
    {
        var approved = await db.EvaluationSchemes.AsNoTracking().Where(s => s.Status == SchemeStatus.Approved)
            .Select(s => new { s.Year, s.Version, s.Json }).ToListAsync(ct);
        runtime.UseApproved(approved.Select(s => (s.Year, s.Version, EvaluationRoundLoader.ParseStored(s.Json, $"{s.Year}.json"))));
    }
}

/// <summary>The loader's faults are English (the start-up log); an upload shows them in Chinese with the place in the file.</summary>
internal static class SchemeFaults
{
    public static string Chinese(string path, string fault) => $"方案文件 {path} 处：" + fault switch
    {
        _ when fault.StartsWith("malformed JSON", StringComparison.Ordinal) => "不是有效的 JSON",
        _ when fault.Contains("punish", StringComparison.Ordinal) => "同一问题只能处罚一次：应写明由明察暗访的问题扣分（inspection）还是由扣分记录（deduction）处罚",
        "missing" => "缺少该字段",
        "must not be empty" => "不能为空",
        _ when fault.Contains("appears twice", StringComparison.Ordinal) => "字段重复",
        _ when fault.StartsWith("expected a", StringComparison.Ordinal) && !fault.Contains("date", StringComparison.Ordinal) => "类型不对",
        _ when fault.StartsWith("unknown", StringComparison.Ordinal) || fault.Contains("not allowed", StringComparison.Ordinal) => "不认识的字段",
        _ when fault.Contains("add up to", StringComparison.Ordinal) => "各项权重之和应为 1",
        _ when fault.Contains("year between", StringComparison.Ordinal) => "年度应在 2000 至 2099 之间",
        _ when fault.Contains("must start in", StringComparison.Ordinal) => "评议期间应从该年度开始",
        _ when fault.Contains("must end after", StringComparison.Ordinal) => "评议期间的结束日期应晚于开始日期",
        _ when fault.Contains("date", StringComparison.OrdinalIgnoreCase) => "日期有误（应为 yyyy-MM-dd 格式且在合理范围内）",
        _ when fault.Contains("weight", StringComparison.OrdinalIgnoreCase) => "权重有误",
        _ => "内容不符合方案格式要求",
    } + $"（{fault}）";
}

/// <summary>Re-reads the approved schemes at start-up (after the migrations) and every minute, so a node follows an approval made on another.</summary>
public sealed class SchemeSync(IServiceScopeFactory scopes, EvaluationRuntime runtime, ILogger<SchemeSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ApplyAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Real time on purpose: this is a polling interval, not a deadline.
            await Task.Delay(Interval, TimeProvider.System, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await ApplyAsync(stoppingToken);
        }
    }

    private async Task ApplyAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await SchemeVersions.ApplyStoredAsync(scope.ServiceProvider.GetRequiredService<PingYiDbContext>(), runtime, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not read the approved evaluation schemes: {Message}", e.Message);
        }
    }
}
