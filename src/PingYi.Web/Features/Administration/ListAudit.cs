using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using PingYi.Data;
using PingYi.Data.Administration;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Administration;

/// <summary>The audit log, newest first, filtered by China date range, actor and kind; keyset-paged like the complaint list.</summary>
public static class ListAudit
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>An export holds at most this many records; narrow the dates for more.</summary>
    public const int MaxExportRows = 50_000;

    public sealed record Query(string? From = null, string? To = null, string? Actor = null, string? Kind = null, string? Limit = null, string? Cursor = null);

    public sealed record Item(long Id, DateTime At, string ActorId, string Actor, string Kind, string KindLabel, string Target, JsonNode? Before, JsonNode? After);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    public sealed class Handler(PingYiDbContext db)
    {
        public async Task<Result<Page>> HandleAsync(Query query, CancellationToken ct)
        {
            var filtered = Filter(query, out var limit, paged: true);
            if (!filtered.Succeeded)
            {
                return filtered.Failure!;
            }
            var rows = await filtered.Value!
                .OrderByDescending(r => r.AtUtc).ThenByDescending(r => r.Id)
                .Take(limit + 1)
                .ToListAsync(ct);
            var page = rows.Take(limit).ToList();
            var next = rows.Count > limit ? KeysetCursor.Encode(page[^1].AtUtc, page[^1].Id) : null;
            return new Page(page.Select(ToItem).ToList(), next);
        }

        /// <summary>The same filter as the list, every matching record (up to <see cref="MaxExportRows"/>), as xlsx.</summary>
        public async Task<Result<byte[]>> ExportAsync(Query query, CancellationToken ct)
        {
            var filtered = Filter(query with { Limit = null, Cursor = null }, out _, paged: false);
            if (!filtered.Succeeded)
            {
                return filtered.Failure!;
            }
            var rows = await filtered.Value!
                .OrderByDescending(r => r.AtUtc).ThenByDescending(r => r.Id)
                .Take(MaxExportRows)
                .ToListAsync(ct);
            var sheet = rows.Select(r => new Dictionary<string, object?>
            {
                ["编号"] = r.Id,
                ["时间（北京时间）"] = ChinaTime.Local(r.AtUtc),
                ["操作人"] = r.ActorName,
                ["类型"] = AuditKinds.LabelOf(r.Kind),
                ["类型代码"] = r.Kind,
                ["对象"] = r.Target,
                ["变更前"] = r.Before ?? string.Empty,
                ["变更后"] = r.After ?? string.Empty,
            }).ToList();
            using var stream = new MemoryStream();
            await stream.SaveAsAsync(sheet, sheetName: "审计日志", cancellationToken: ct);
            return stream.ToArray();
        }

        private Result<IQueryable<AuditRecord>> Filter(Query query, out int limit, bool paged)
        {
            var errors = new ValidationErrors();
            var records = db.AuditRecords.AsNoTracking();
            var dates = DateRange.Parse(query.From, query.To, errors);
            if (dates.StartUtc is { } start)
            {
                records = records.Where(r => r.AtUtc >= start);
            }
            if (dates.EndUtc is { } end)
            {
                records = records.Where(r => r.AtUtc < end);
            }
            if (Text.Clean(query.Actor, multiline: false) is { } actor)
            {
                if (actor.Length > 256)
                {
                    errors.Add("actor", "操作人不能超过 256 个字符。");
                }
                var lower = actor.ToLowerInvariant();
                records = records.Where(r => r.ActorName.ToLower() == lower || r.ActorId == actor);
            }
            if (Text.Clean(query.Kind, multiline: false) is { } kind)
            {
                if (AuditKinds.All.All(k => k.Code != kind))
                {
                    errors.Add("kind", $"类型无效，应为 {string.Join("、", AuditKinds.All.Select(k => k.Code))} 之一。");
                }
                records = records.Where(r => r.Kind == kind);
            }
            limit = DefaultLimit;
            if (paged && !string.IsNullOrWhiteSpace(query.Limit)
                && (!int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            {
                errors.Add("limit", $"每页条数应在 1–{MaxLimit} 之间。");
            }
            if (paged && query.Cursor is { Length: > 0 } cursorText)
            {
                if (KeysetCursor.Decode(cursorText) is { } cursor)
                {
                    records = records.Where(r => r.AtUtc < cursor.At || (r.AtUtc == cursor.At && r.Id < cursor.Id));
                }
                else
                {
                    errors.Add("cursor", "翻页游标无效，请从第一页重新查询。");
                }
            }
            return errors.IsEmpty ? Result<IQueryable<AuditRecord>>.From(records) : RequestFailure.Invalid(errors);
        }

        private static Item ToItem(AuditRecord r) => new(
            r.Id, r.AtUtc, r.ActorId, r.ActorName, r.Kind, AuditKinds.LabelOf(r.Kind), r.Target,
            r.Before is null ? null : JsonNode.Parse(r.Before), r.After is null ? null : JsonNode.Parse(r.After));
    }

    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", ([AsParameters] Query query, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(query, ct).ToOkAsync())
            .RequireAuthorization(AdminPolicies.Audit)
            .WithName("ListAudit")
            .WithSummary("审计日志")
            .WithDescription("Filters: from/to (China dates, yyyy-MM-dd), actor (e-mail or account id), kind. Newest first; pass nextCursor back as cursor.")
            .Produces<Page>()
            .ProducesValidationProblem();
        admin.MapGet("/audit/export", async ([AsParameters] Query query, Handler handler, CancellationToken ct) =>
                (await handler.ExportAsync(query, ct)).ToHttp(xlsx => Results.File(xlsx, XlsxType, "audit.xlsx")))
            .RequireAuthorization(AdminPolicies.Audit)
            .WithName("ExportAudit")
            .WithSummary("导出审计日志（xlsx）");
    }
}
