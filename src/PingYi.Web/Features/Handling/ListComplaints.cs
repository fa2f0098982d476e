using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Handling;

/// <summary>The staff list of complaints: filters and keyset pagination, newest first. A handler sees only their own unit's.</summary>
public static class ListComplaints
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public sealed record Query(
        string? Status = null, string? Unit = null, string? Category = null, string? Overdue = null,
        string? From = null, string? To = null, string? Q = null, string? Limit = null, string? Cursor = null);

    public sealed record Item(
        string TrackingNumber, string Status, string StatusLabel, GetStaffComplaint.UnitInfo Unit, string Category, string CategoryLabel,
        string Title, DateTime SubmittedAt, DateTime? DueAt, bool Overdue, string? PendingRequest);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    public sealed class Handler(PingYiDbContext db, TimeProvider time, IDataProtectionProvider dataProtection)
    {
        // The cursor holds the last row's exact submission time: sealed, so a handler cannot read it out of the cursor.
        private readonly IDataProtector _cursor = dataProtection.CreateProtector("PingYi.Staff.ListCursor");

        public async Task<Result<Page>> HandleAsync(ClaimsPrincipal user, Query query, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new ValidationErrors();
            var complaints = db.Complaints.AsNoTracking();

            if (user.IsInRole(StaffRoles.Supervisor))
            {
                // all units
            }
            else if (user.IsInRole(StaffRoles.UnitHandler) && user.UnitId() is { } ownUnit)
            {
                complaints = complaints.Where(ComplaintVisibility.ToUnit(ownUnit));
            }
            else
            {
                return RequestFailure.Field(StatusCodes.Status403Forbidden, "无权查看", "user", "您的账号无权查看反映列表。");
            }

            if (!string.IsNullOrWhiteSpace(query.Status))
            {
                if (ComplaintStatuses.Codes.TryParse(query.Status, out var status))
                {
                    complaints = complaints.Where(c => c.Status == status);
                }
                else
                {
                    errors.Add("status", $"状态无效，应为 {ComplaintStatuses.Codes.CodesForMessage} 之一。");
                }
            }
            if (!string.IsNullOrWhiteSpace(query.Category))
            {
                if (ProblemCategories.Codes.TryParse(query.Category, out var category))
                {
                    complaints = complaints.Where(c => c.Category == category);
                }
                else
                {
                    errors.Add("category", $"问题类别无效，应为 {ProblemCategories.Codes.CodesForMessage} 之一。");
                }
            }
            if (!string.IsNullOrWhiteSpace(query.Unit))
            {
                var code = query.Unit.Trim().ToLowerInvariant();
                var unitId = await db.Units.Where(u => u.Code == code).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
                if (unitId is null)
                {
                    errors.Add("unit", $"找不到单位代码“{code}”。");
                }
                complaints = complaints.Where(c => c.UnitId == unitId);
            }
            bool? overdueFilter = query.Overdue?.Trim().ToLowerInvariant() switch
            {
                null or "" => null,
                "true" or "1" => true,
                "false" or "0" => false,
                _ => null,
            };
            if (overdueFilter is null && !string.IsNullOrWhiteSpace(query.Overdue))
            {
                errors.Add("overdue", "overdue 应为 true 或 false。");
            }
            if (overdueFilter is { } overdue)
            {
                complaints = complaints.Where(overdue ? ComplaintRules.OverdueAt(now) : ComplaintRules.NotOverdueAt(now));
            }
            var dates = DateRange.Parse(query.From, query.To, errors);
            if (dates.StartUtc is { } start)
            {
                complaints = complaints.Where(c => c.SubmittedAtUtc >= start);
            }
            if (dates.EndUtc is { } end)
            {
                complaints = complaints.Where(c => c.SubmittedAtUtc < end);
            }
            if (Text.Clean(query.Q, multiline: false) is { } q)
            {
                if (q.Length > 100)
                {
                    errors.Add("q", "搜索词不能超过 100 个字。");
                }
                // A tracking number is looked up by its unique index alone: OR-ing it with the text match made the
                // database test every complaint's text (seconds at a million rows) to find the one row the index has.
                complaints = TrackingNumber.TryNormalize(q, out var number)
                    ? complaints.Where(c => c.TrackingNumber == number)
                    : complaints.Where(c => c.Title.Contains(q) || c.Description.Contains(q));
            }
            var limit = DefaultLimit;
            if (!string.IsNullOrWhiteSpace(query.Limit)
                && (!int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            {
                errors.Add("limit", $"每页条数应在 1–{MaxLimit} 之间。");
            }
            if (query.Cursor is { Length: > 0 } cursorText)
            {
                if (Unprotect(cursorText) is { } opened && KeysetCursor.Decode(opened) is { } cursor)
                {
                    complaints = complaints.Where(c => c.SubmittedAtUtc < cursor.At || (c.SubmittedAtUtc == cursor.At && c.Id < cursor.Id));
                }
                else
                {
                    errors.Add("cursor", "翻页游标无效，请从第一页重新查询。");
                }
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }

            var rows = await complaints
                .OrderByDescending(c => c.SubmittedAtUtc).ThenByDescending(c => c.Id)
                .Take(limit + 1)
                .Join(db.Units, c => c.UnitId, u => u.Id, (c, u) => new
                {
                    c.Id, c.TrackingNumber, c.Status, u.Code, u.Name, c.Category, c.Title, c.SubmittedAtUtc, c.DueAtUtc, c.PendingRequest, c.Satisfaction,
                })
                .ToListAsync(ct);
            // The join may reorder on some providers; the page order is the keyset order.
            rows = rows.OrderByDescending(r => r.SubmittedAtUtc).ThenByDescending(r => r.Id).ToList();
            var page = rows.Take(limit).ToList();
            var next = rows.Count > limit ? _cursor.Protect(KeysetCursor.Encode(page[^1].SubmittedAtUtc, page[^1].Id)) : null;
            var exact = ComplainantTimes.Exact(user);
            return new Page(page.Select(r => new Item(
                r.TrackingNumber,
                ComplaintStatuses.Codes.CodeOf(r.Status),
                ComplaintStatuses.DisplayLabel(r.Status, r.Satisfaction),
                new GetStaffComplaint.UnitInfo(r.Code, r.Name),
                ProblemCategories.Codes.CodeOf(r.Category),
                ProblemCategories.Codes.LabelOf(r.Category),
                r.Title,
                ComplainantTimes.For(exact, r.SubmittedAtUtc),
                r.DueAtUtc,
                r.Status == ComplaintStatus.Assigned && r.DueAtUtc <= now,
                r.PendingRequest switch { PendingRequest.Return => "return", PendingRequest.Extension => "extension", _ => null })).ToList(), next);
        }

        private string? Unprotect(string text)
        {
            try
            {
                return _cursor.Unprotect(text);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }

    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints", async ([AsParameters] Query query, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(http.User, query, ct);
                return result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("ListComplaints")
            .WithSummary("反映列表（工作人员）")
            .WithDescription("Filters: status, unit, category, overdue, from/to (China dates, yyyy-MM-dd), q (text or tracking number). Keyset pagination: pass nextCursor back as cursor.")
            .Produces<Page>()
            .ProducesValidationProblem();
    }
}
