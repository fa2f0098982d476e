using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Administration;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Schemes;

/// <summary>
/// 评议方案 versions: an Admin or Supervisor uploads a draft (validated by the same loader as the shipped files) or copies
/// the previous year's scheme; another account approves it (审定); the approved version is the year's scheme from then
/// on. A change once the round has opened needs a reason; each upload and approval is audited with what changed.
/// </summary>
public sealed partial class SchemeVersions(PingYiDbContext db, EvaluationRuntime runtime, IAuthorizationService authorization,
    AuditLog audit, TimeProvider time)
{
    public sealed record VersionView(int Version, string Status, string StatusLabel, string Origin, string? Reason, string? CreatedBy,
        DateTime? CreatedAt, string? ApprovedBy, DateTime? ApprovedAt);

    /// <param name="SetInVersion">The version of this year that set the figure's value (the copy, for a figure carried over from another year).</param>
    /// <param name="Provenance">Where the value comes from, as the page shows it.</param>
    public sealed record FigureView(string Section, string Key, string Label, string Value, bool Proposal, int SetInVersion, string Provenance);

    /// <param name="CurrentVersion">The approved version rounds use; null when the year has none yet.</param>
    /// <param name="RoundSchemeVersion">The version the year's round runs on (null before it opens).</param>
    public sealed record SchemeView(int Year, int? CurrentVersion, int? RoundSchemeVersion, string? RoundStatus,
        IReadOnlyList<VersionView> Versions, IReadOnlyList<FigureView> Figures);

    public sealed record UploadRequest(System.Text.Json.JsonElement? Scheme, string? Reason);

    public sealed record CopyRequest(int? FromYear, string? Reason);

    public async Task<Result<SchemeView>> ViewAsync(int year, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await MayManageAsync(user, year))
        {
            return Forbidden();
        }
        var stored = await db.EvaluationSchemes.AsNoTracking().Where(s => s.Year == year).OrderBy(s => s.Version).ToListAsync(ct);
        var file = runtime.File(year);
        if (file is null && stored.Count == 0)
        {
            return RequestFailure.NotFound("评议方案不存在", "year", $"{year} 年度还没有评议方案。可由上一年度方案复制，或上传方案文件。");
        }
        var names = await NamesAsync(stored.SelectMany(s => new[] { s.CreatedById, s.ApprovedById }), ct);
        var versions = new List<VersionView>();
        if (file is not null)
        {
            var replaced = stored.Any(s => s.Status is SchemeStatus.Approved or SchemeStatus.Superseded);
            var status = replaced ? SchemeStatus.Superseded : SchemeStatus.Approved;
            versions.Add(new VersionView(EvaluationRuntime.FileVersion, SchemeStatuses.CodeOf(status), SchemeStatuses.LabelOf(status), "file",
                $"随程序发布的方案文件 workflows/evaluation/{year}.json，部署时视为已审定的第 1 版", null, null, null, null));
        }
        versions.AddRange(stored.Select(s => new VersionView(s.Version, SchemeStatuses.CodeOf(s.Status), SchemeStatuses.LabelOf(s.Status), "upload", s.Reason,
            names.GetValueOrDefault(s.CreatedById), s.CreatedAtUtc, s.ApprovedById is null ? null : names.GetValueOrDefault(s.ApprovedById), s.ApprovedAtUtc)));
        var round = await db.EvaluationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Year == year, ct);
        return new SchemeView(year, runtime.VersionOf(year), round?.SchemeVersion, round is null ? null : RoundStatuses.CodeOf(round.Status), versions,
            await FiguresOfAsync(year, file, stored, versions, ct));
    }

    /// <summary>
    /// The figures of the newest version (the draft under review, else the current one), each with the version that set it
    /// and its provenance; a draft copied from another year traces its unchanged figures back to that year's version.
    /// </summary>
    private async Task<List<FigureView>> FiguresOfAsync(int year, EvaluationRoundDefinition? file, IReadOnlyList<EvaluationScheme> stored,
        IReadOnlyList<VersionView> versions, CancellationToken ct)
    {
        const int Inherited = 0;
        var chain = new List<(int Version, EvaluationRoundDefinition Definition)>();
        var copy = stored.FirstOrDefault(s => s.CopiedFromYear is not null);
        if (file is null && copy is not null && await StoredJsonAsync(copy.CopiedFromYear!.Value, copy.CopiedFromVersion!.Value, ct) is { } source)
        {
            chain.Add((Inherited, EvaluationRoundLoader.ParseStored(SchemeFigures.CopyForYear(source, year), $"{year}.json")));
        }
        if (file is not null)
        {
            chain.Add((EvaluationRuntime.FileVersion, file));
        }
        chain.AddRange(stored.Where(s => s.Status != SchemeStatus.Discarded)
            .Select(s => (s.Version, EvaluationRoundLoader.ParseStored(s.Json, $"{year}.json"))));
        var setIn = SchemeFigures.SetIn(chain);
        var byVersion = versions.ToDictionary(v => v.Version);
        return SchemeFigures.Of(chain[^1].Definition).Select(f =>
        {
            var v = setIn[f.Key];
            var fromFile = v == Inherited ? copy!.CopiedFromVersion == EvaluationRuntime.FileVersion && runtime.File(copy.CopiedFromYear!.Value) is not null
                : byVersion[v].Origin == "file";
            var where = v == Inherited ? $"沿用 {copy!.CopiedFromYear} 年度方案第 {copy.CopiedFromVersion} 版" : $"第 {v} 版：{OriginText(byVersion[v])}";
            var basis = !fromFile ? string.Empty : f.Proposal ? "；建议值，通知未作规定" : "；依据通知";
            return new FigureView(f.Section, f.Key, f.Label, f.Value, f.Proposal, v == Inherited ? copy!.Version : v, where + basis);
        }).ToList();
    }

    /// <summary>Who made a version and who approved it, as the pages say it.</summary>
    public static string OriginText(VersionView v) => v.Origin == "file"
        ? v.Reason ?? "随程序文件导入"
        : $"{v.CreatedBy} 于 {v.CreatedAt:yyyy-MM-dd HH:mm} 上传" + (v.ApprovedBy is null ? "，待审定" : $"，{v.ApprovedBy} 于 {v.ApprovedAt:yyyy-MM-dd HH:mm} 审定")
          + (v.Reason is { } r ? $"（{r}）" : string.Empty);

    /// <summary>The stored text of a version (version 1 of a year with a file: that file).</summary>
    public async Task<Result<string>> JsonAsync(int year, int version, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await MayManageAsync(user, year))
        {
            return Forbidden();
        }
        var json = await StoredJsonAsync(year, version, ct);
        return json is null ? RequestFailure.NotFound("方案版本不存在", "version", $"{year} 年度没有第 {version} 版方案。") : json;
    }

    public async Task<Result<VersionView>> UploadAsync(int year, UploadRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await MayManageAsync(user, year))
        {
            return Forbidden();
        }
        if (request.Scheme is not { ValueKind: System.Text.Json.JsonValueKind.Object } scheme)
        {
            return RequestFailure.Invalid("缺少评议方案", "scheme", "scheme 应为评议方案文件的 JSON 对象（与 workflows/evaluation/<年度>.json 格式相同）。");
        }
        return await AddDraftAsync(year, scheme.GetRawText(), request.Reason, user, ct);
    }

    /// <summary>A draft for <paramref name="year"/> from an earlier year's current scheme, dates moved to the new year.</summary>
    public async Task<Result<VersionView>> CopyAsync(int year, CopyRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await MayManageAsync(user, year))
        {
            return Forbidden();
        }
        var from = request.FromYear ?? runtime.Rounds.Where(r => r.Year < year).Select(r => (int?)r.Year).LastOrDefault();
        if (from is null || from >= year || runtime.Find(from.Value) is not { } source)
        {
            return RequestFailure.NotFound("没有可复制的方案", "fromYear", $"{year} 年度之前没有已审定的评议方案可复制。");
        }
        var version = runtime.VersionOf(from.Value)!.Value;
        var json = SchemeFigures.CopyForYear(await StoredJsonAsync(from.Value, version, ct) ?? string.Empty, year);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? $"沿用 {from} 年度方案（第 {version} 版），日期顺延至 {year} 年" : request.Reason;
        return await AddDraftAsync(year, json, reason, user, ct, (from.Value, version));
    }

    private async Task<string?> StoredJsonAsync(int year, int version, CancellationToken ct) =>
        version == EvaluationRuntime.FileVersion && runtime.File(year) is { } file
            ? await File.ReadAllTextAsync(file.Source, ct)
            : await db.EvaluationSchemes.AsNoTracking().Where(s => s.Year == year && s.Version == version).Select(s => s.Json).SingleOrDefaultAsync(ct);

    private async Task<bool> MayManageAsync(ClaimsPrincipal user, int year) =>
        (await authorization.AuthorizeAsync(user, new RoundTarget(year), SchemeRequirement.Manage)).Succeeded;

    private static RequestFailure Forbidden() => RequestFailure.Forbidden("无权管理评议方案", "$", "只有系统管理员或纪检监察工委督办人员可以上传和审定评议方案。");

    private async Task<Dictionary<string, string>> NamesAsync(IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }
}
