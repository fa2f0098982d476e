using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Units;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>
/// 参评单位 administration: list (with each unit's handlers), create, change, retire. The code is fixed once
/// used and never reused: a unit is retired (<c>active: false</c>), never deleted.
/// </summary>
public static class ManageUnits
{
    /// <summary>Contact e-mails per unit (notices go to each).</summary>
    public const int MaxContactEmails = 10;

    /// <summary>Short names per unit (人社厅, 社保局 …), each at most <see cref="MaxShortNameLength"/> characters.</summary>
    public const int MaxShortNames = 20;

    public const int MaxShortNameLength = 20;

    /// <summary>The body of POST and PUT, and each item of GET (which adds the handlers).</summary>
    /// <param name="ShortNames">Short names the triage suggestions look for in complaints; left out of a PUT, they stay as they are.</param>
    public sealed record UnitBody(
        string? Code, string? Name, string? Category, string? Duties, string? SupervisionPhone, List<string>? ContactEmails,
        bool? ServiceHall, string? EvaluationChannelUrl, bool? Active, List<string>? ShortNames = null);

    public sealed record HandlerInfo(string Id, string Email, string DisplayName, bool Active);

    public sealed record UnitItem(
        string Code, string Name, string Category, string CategoryLabel, string Duties, string SupervisionPhone, IReadOnlyList<string> ContactEmails,
        bool ServiceHall, string? EvaluationChannelUrl, bool Active, IReadOnlyList<HandlerInfo> Handlers, bool HasActiveHandler,
        IReadOnlyList<string> ShortNames);

    /// <summary>A validated body; <paramref name="ShortNames"/> null leaves a unit's short names as they are.</summary>
    public sealed record ValidUnit(
        string Code, string Name, UnitCategory Category, string Duties, string SupervisionPhone, IReadOnlyList<string> ContactEmails,
        bool ServiceHall, string? EvaluationChannelUrl, bool Active, IReadOnlyList<string>? ShortNames = null);

    /// <summary>What the audit log keeps of a unit.</summary>
    internal static object Snapshot(Unit u) => new
    {
        u.Code, u.Name, category = UnitCategories.Codes.CodeOf(u.Category), u.Duties, u.SupervisionPhone,
        contactEmails = u.ContactEmails.ToArray(), u.ServiceHall, u.EvaluationChannelUrl, u.Active, shortNames = u.ShortNames.ToArray(),
    };

    /// <summary>
    /// Validates one unit; <paramref name="prefix"/> names the fields (e.g. <c>rows[3].</c> for a spreadsheet
    /// row) and <paramref name="label"/> starts each message (e.g. "第 3 行：").
    /// </summary>
    public static ValidUnit? Validate(UnitBody body, ValidationErrors errors, string prefix = "", string label = "")
    {
        var before = errors.ToDictionary().Count;
        var code = body.Code?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(code))
        {
            errors.Add(prefix + "code", label + "请填写单位代码。");
        }
        else if (!Unit.IsValidCode(code))
        {
            errors.Add(prefix + "code", label + "单位代码应为 2–16 位小写英文字母、数字或“-”。");
        }
        var name = Text.Clean(body.Name, multiline: false);
        if (name is null)
        {
            errors.Add(prefix + "name", label + "请填写单位名称。");
        }
        else if (Text.CharacterCount(name) > 100)
        {
            errors.Add(prefix + "name", label + "单位名称不能超过 100 个字。");
        }
        var category = ParseCategory(body.Category);
        if (category is null)
        {
            errors.Add(prefix + "category", label + $"单位类别无效，应为 {UnitCategories.Codes.CodesForMessage} 之一（或其中文名称）。");
        }
        var duties = Text.Clean(body.Duties, multiline: true) ?? string.Empty;
        if (Text.CharacterCount(duties) > 4000)
        {
            errors.Add(prefix + "duties", label + "职能简介不能超过 4000 个字。");
        }
        var phone = Text.Clean(body.SupervisionPhone, multiline: false) ?? string.Empty;
        if (phone.Length > 40 || phone.Any(c => !(char.IsAsciiDigit(c) || c is '-' or ' ' or '+' or '(' or ')' or '（' or '）' or '、' or ',')))
        {
            errors.Add(prefix + "supervisionPhone", label + "监督电话只能包含数字、“-”、空格和括号，且不超过 40 个字符。");
        }
        var emails = new List<string>();
        foreach (var raw in body.ContactEmails ?? [])
        {
            var e = raw?.Trim() ?? string.Empty;
            if (e.Length == 0)
            {
                continue;
            }
            if (e.Length > 254 || !MailAddress.TryCreate(e, out var parsed) || parsed.Address != e || !e.Contains('.', StringComparison.Ordinal))
            {
                errors.Add(prefix + "contactEmails", label + $"联系邮箱“{e}”格式不正确。");
            }
            else if (!emails.Contains(e, StringComparer.OrdinalIgnoreCase))
            {
                emails.Add(e);
            }
        }
        // Counted as sent (blank and repeated entries too), so that no longer array is accepted than the API documents.
        if (emails.Count > MaxContactEmails || body.ContactEmails is { Count: > MaxContactEmails })
        {
            errors.Add(prefix + "contactEmails", label + $"联系邮箱最多 {MaxContactEmails} 个。");
        }
        var url = body.EvaluationChannelUrl?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            url = null;
        }
        else if (url.Length > 500 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            errors.Add(prefix + "evaluationChannelUrl", label + "评议渠道网址应为以 http:// 或 https:// 开头的完整网址。");
        }
        var shortNames = ValidateShortNames(body.ShortNames, errors, prefix, label);
        return errors.ToDictionary().Count > before
            ? null
            : new ValidUnit(code!, name!, category!.Value, duties, phone, emails, body.ServiceHall ?? false, url, body.Active ?? true, shortNames);
    }

    /// <summary>Short names as sent (trimmed, blank and repeated ones dropped); null when none were sent at all.</summary>
    private static List<string>? ValidateShortNames(List<string>? sent, ValidationErrors errors, string prefix, string label)
    {
        if (sent is null)
        {
            return null;
        }
        var names = new List<string>();
        foreach (var raw in sent)
        {
            var n = Text.Clean(raw, multiline: false);
            if (n is null || names.Contains(n, StringComparer.Ordinal))
            {
                continue;
            }
            // Measured as sent too (padding included), as the API documents.
            if (Text.CharacterCount(n) > MaxShortNameLength || Text.CharacterCount(raw) > MaxShortNameLength)
            {
                errors.Add(prefix + "shortNames", label + $"简称“{n}”过长，每个简称不超过 {MaxShortNameLength} 个字。");
            }
            names.Add(n);
        }
        // Counted as sent (blank and repeated entries too), so that no longer array is accepted than the API documents.
        if (names.Count > MaxShortNames || sent.Count > MaxShortNames)
        {
            errors.Add(prefix + "shortNames", label + $"简称最多 {MaxShortNames} 个。");
        }
        return names;
    }

    /// <summary>Splits the short names typed in one box or one spreadsheet cell (separated by 、;，, or spaces).</summary>
    public static List<string> SplitShortNames(string? text) =>
        (text ?? string.Empty).Split(['、', ';', '；', ',', '，', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static UnitCategory? ParseCategory(string? text)
    {
        if (UnitCategories.Codes.TryParse(text, out var c))
        {
            return c;
        }
        var t = text?.Trim();
        foreach (var entry in UnitCategories.Codes.All)
        {
            if (entry.Label == t)
            {
                return entry.Value;
            }
        }
        return null;
    }

    public sealed class Handler(PingYiDbContext db, AuditLog audit, IMemoryCache cache)
    {
        /// <summary>Imports an uploaded xlsx when every row is valid (the page's and the API's import).</summary>
        public Task<Result<UnitSpreadsheet.ImportSummary>> ImportAsync(IFormFile file, CancellationToken ct) =>
            UnitSpreadsheet.ImportAsync(file, db, audit, this, ct);

        public async Task<IReadOnlyList<UnitItem>> ListAsync(CancellationToken ct)
        {
            var units = await db.Units.AsNoTracking().ToListAsync(ct);
            var handlerRole = await db.Roles.Where(r => r.Name == StaffRoles.UnitHandler).Select(r => r.Id).FirstOrDefaultAsync(ct);
            var handlers = await db.Users.AsNoTracking()
                .Where(u => u.UnitId != null && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == handlerRole))
                .Select(u => new { UnitId = u.UnitId!.Value, u.Id, Email = u.Email!, u.DisplayName, u.Disabled })
                .ToListAsync(ct);
            var byUnit = handlers.ToLookup(h => h.UnitId);
            return units
                .OrderBy(u => u.Category).ThenBy(u => u.Code, StringComparer.Ordinal)
                .Select(u =>
                {
                    var hs = byUnit[u.Id].OrderBy(h => h.Email, StringComparer.Ordinal).Select(h => new HandlerInfo(h.Id, h.Email, h.DisplayName, !h.Disabled)).ToList();
                    return ToItem(u, hs);
                })
                .ToList();
        }

        public async Task<UnitItem?> GetAsync(string code, CancellationToken ct) =>
            (await ListAsync(ct)).FirstOrDefault(u => u.Code == code.Trim().ToLowerInvariant());

        public async Task<Result<UnitItem>> CreateAsync(UnitBody body, CancellationToken ct)
        {
            var errors = new ValidationErrors();
            var valid = Validate(body, errors);
            if (valid is null)
            {
                return RequestFailure.Invalid(errors);
            }
            if (await db.Units.AnyAsync(u => u.Code == valid.Code, ct))
            {
                return Duplicate(valid.Code);
            }
            var unit = New(valid);
            db.Units.Add(unit);
            audit.Record(AuditKinds.UnitCreated, unit.Code, null, Snapshot(unit));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Two admins created the same code at once: the unique index decided.
                db.ChangeTracker.Clear();
                return Duplicate(valid.Code);
            }
            return (await GetAsync(unit.Code, ct))!;
        }

        public async Task<Result<UnitItem>> UpdateAsync(string code, UnitBody body, CancellationToken ct)
        {
            code = code.Trim().ToLowerInvariant();
            var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code, ct);
            if (unit is null)
            {
                return RequestFailure.NotFound("找不到单位", "code", $"找不到单位代码“{code}”。");
            }
            var errors = new ValidationErrors();
            var valid = Validate(body with { Code = body.Code ?? code }, errors);
            if (valid is not null && valid.Code != code)
            {
                errors.Add("code", "单位代码一经使用不可修改。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var before = Snapshot(unit);
            Apply(unit, valid!);
            audit.Record(AuditKinds.UnitUpdated, unit.Code, before, Snapshot(unit));
            await db.SaveChangesAsync(ct);
            Forget(code);
            return (await GetAsync(code, ct))!;
        }

        /// <summary>Intake remembers unit ids for a while; a retired unit must stop taking complaints at once.</summary>
        internal void Forget(string code) => cache.Remove("unit-id:" + code);
    }

    internal static Unit New(ValidUnit v)
    {
        var unit = new Unit(v.Code, v.Name, v.Category, v.Duties, v.SupervisionPhone, v.ContactEmails);
        Apply(unit, v);
        return unit;
    }

    internal static void Apply(Unit unit, ValidUnit v)
    {
        unit.Update(v.Name, v.Category, v.Duties, v.SupervisionPhone, v.ContactEmails, v.ServiceHall, v.EvaluationChannelUrl, v.Active);
        if (v.ShortNames is not null)
        {
            unit.SetShortNames(v.ShortNames);
        }
    }

    private static RequestFailure Duplicate(string code) =>
        RequestFailure.Conflict("单位代码已存在", "code", $"单位代码“{code}”已被使用（代码不能重复使用，包括已撤销的单位）。");

    private static UnitItem ToItem(Unit u, IReadOnlyList<HandlerInfo> handlers) => new(
        u.Code, u.Name, UnitCategories.Codes.CodeOf(u.Category), UnitCategories.Codes.LabelOf(u.Category), u.Duties, u.SupervisionPhone,
        u.ContactEmails.ToArray(), u.ServiceHall, u.EvaluationChannelUrl, u.Active, handlers, handlers.Any(h => h.Active), u.ShortNames.ToArray());

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/units", async (Handler handler, CancellationToken ct) => Results.Ok(await handler.ListAsync(ct)))
            .RequireAuthorization(AdminPolicies.Units)
            .WithName("AdminListUnits")
            .WithSummary("参评单位管理：列表（含承办人）")
            .Produces<IReadOnlyList<UnitItem>>();
        admin.MapPost("/units", (HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<UnitBody, UnitItem>(http, body => handler.CreateAsync(body, ct),
                    result => result.ToCreated(created => $"/api/v1/admin/units/{created.Code}"), ct, maxBytes: 64 * 1024))
            .RequireAuthorization(AdminPolicies.Units)
            .WithName("AdminCreateUnit")
            .WithSummary("新增参评单位")
            .Accepts<UnitBody>("application/json")
            .Produces<UnitItem>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/units/{code}", (string code, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<UnitBody, UnitItem>(http, body => handler.UpdateAsync(code, body, ct),
                    result => result.ToOk(), ct, maxBytes: 64 * 1024))
            .RequireAuthorization(AdminPolicies.Units)
            .WithName("AdminUpdateUnit")
            .WithSummary("修改参评单位（代码不可修改；active=false 即撤销）")
            .Accepts<UnitBody>("application/json")
            .Produces<UnitItem>()
            .ProducesValidationProblem();
    }
}
