using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// The staff list of complaints: filters, a sort order and keyset pagination (newest first unless sorted
/// otherwise). A handler sees only their own unit's.
/// </summary>
public static partial class ListComplaints
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>A sealed cursor is a few hundred characters; anything longer is not one of ours.</summary>
    public const int MaxCursorLength = 1024;

    /// <summary>The orders the list can be sorted in (<c>sort</c>), each paged by (key, id).</summary>
    public static class Sorts
    {
        /// <summary>When the complaint was lodged (the default, newest first).</summary>
        public const string Submitted = "submitted";

        /// <summary>The running deadline (accepting or handling); cases without one come after every dated case.</summary>
        public const string Due = "due";

        /// <summary>The escalation level reached (0–3).</summary>
        public const string Escalation = "escalation";

        public static readonly IReadOnlyList<string> All = [Submitted, Due, Escalation];
    }

    /// <param name="Sort">submitted (default), due or escalation.</param>
    /// <param name="Dir">asc or desc; the default is desc for submitted and escalation, asc for due (the most urgent first).</param>
    public sealed record Query(
        string? Status = null, string? Unit = null, string? Category = null, string? Overdue = null,
        string? From = null, string? To = null, string? Q = null, string? Limit = null, string? Cursor = null,
        string? Sort = null, string? Dir = null);

    /// <param name="EscalationLevel">The level reached and notified for the current deadline (0 none … 3), as the 督办台 counts it.</param>
    /// <param name="Anonymous">Supervisors only; null for a unit's handler, who must not learn even whether a case is named.</param>
    /// <param name="NewSupplement">The complainant added a supplement since this user last opened the case.</param>
    /// <param name="Etag">The case's ETag as listed (as <c>GET /complaints/{trackingNumber}</c> gives it), for a bulk action's <c>ifMatch</c>.</param>
    public sealed record Item(
        string TrackingNumber, string Status, string StatusLabel, GetStaffComplaint.UnitInfo Unit, string Category, string CategoryLabel,
        string Title, DateTime SubmittedAt, DateTime? DueAt, bool Overdue, string? PendingRequest,
        int EscalationLevel = 0, bool? Anonymous = null, bool NewSupplement = false, string? Etag = null);

    public sealed record Page(IReadOnlyList<Item> Items, string? NextCursor);

    public sealed partial class Handler(PingYiDbContext db, TimeProvider time, IDataProtectionProvider dataProtection, IConfiguration configuration)
    {
        // The cursor holds the last row's exact submission time: sealed, so a handler cannot read it out of the cursor.
        private readonly IDataProtector _cursor = dataProtection.CreateProtector("PingYi.Staff.ListCursor");

        public async Task<Result<Page>> HandleAsync(ClaimsPrincipal user, Query query, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new ValidationErrors();
            if (VisibleTo(user) is not { } complaints)
            {
                return RequestFailure.Forbidden("无权查看", "user", "您的账号无权查看反映列表。");
            }
            complaints = FilterByCodes(complaints, query, errors);
            complaints = await FilterByUnitAsync(complaints, query.Unit, errors, ct);
            complaints = FilterByOverdue(complaints, query.Overdue, now, errors);
            complaints = FilterByDates(complaints, query, errors);
            complaints = FilterByText(complaints, query.Q, errors);
            var paging = ParsePaging(query, errors);
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }

            var rows = await LoadPageRowsAsync(user, OrderAfterCursor(complaints, paging), paging.Limit, ct);
            return ToPage(rows, paging, user.SeesComplainant(), now);
        }

        /// <summary>One listed complaint as read from the database (the page's rows plus one to tell whether more follow).</summary>
        private sealed class Row
        {
            public long Id { get; init; }
            public string TrackingNumber { get; init; } = "";
            public ComplaintStatus Status { get; init; }
            public string? Code { get; init; }
            public string? Name { get; init; }
            public ProblemCategory Category { get; init; }
            public string Title { get; init; } = "";
            public DateTime SubmittedAtUtc { get; init; }
            public DateTime? DueAtUtc { get; init; }
            public PendingRequest PendingRequest { get; init; }
            public Satisfaction? Satisfaction { get; init; }
            public int EscalationLevelNotified { get; init; }
            public bool Anonymous { get; init; }
            public bool NewSupplement { get; init; }
            public int Version { get; init; }
        }

        /// <summary>The complaints this user may list: every unit's for a supervisor, their own unit's for a handler; null for anyone else.</summary>
        private IQueryable<Complaint>? VisibleTo(ClaimsPrincipal user)
        {
            var complaints = db.Complaints.AsNoTracking();
            var role = user.WorkflowRole();
            if (role == WorkflowRoles.Supervisor)
            {
                return complaints;
            }
            if (role == WorkflowRoles.UnitHandler && user.UnitId() is { } ownUnit)
            {
                return complaints.Where(ComplaintVisibility.ToUnit(ownUnit));
            }
            return null;
        }

        private static IQueryable<Complaint> FilterByCodes(IQueryable<Complaint> complaints, Query query, ValidationErrors errors)
        {
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
            return complaints;
        }

        private async Task<IQueryable<Complaint>> FilterByUnitAsync(IQueryable<Complaint> complaints, string? unit, ValidationErrors errors, CancellationToken ct)
        {
            if (string.IsNullOrWhiteSpace(unit))
            {
                return complaints;
            }
            var code = unit.Trim().ToLowerInvariant();
            var unitId = await db.Units.Where(u => u.Code == code).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
            if (unitId is null)
            {
                errors.Add("unit", $"找不到单位代码“{code}”。");
            }
            return complaints.Where(c => c.UnitId == unitId);
        }

        private static IQueryable<Complaint> FilterByOverdue(IQueryable<Complaint> complaints, string? overdueText, DateTime now, ValidationErrors errors)
        {
            bool? overdueFilter = overdueText?.Trim().ToLowerInvariant() switch
            {
                null or "" => null,
                "true" or "1" => true,
                "false" or "0" => false,
                _ => null,
            };
            if (overdueFilter is null && !string.IsNullOrWhiteSpace(overdueText))
            {
                errors.Add("overdue", "overdue 应为 true 或 false。");
            }
            if (overdueFilter is { } overdue)
            {
                complaints = complaints.Where(overdue ? ComplaintRules.OverdueAt(now) : ComplaintRules.NotOverdueAt(now));
            }
            return complaints;
        }

        private static IQueryable<Complaint> FilterByDates(IQueryable<Complaint> complaints, Query query, ValidationErrors errors)
        {
            var dates = DateRange.Parse(query.From, query.To, errors);
            if (dates.StartUtc is { } start)
            {
                complaints = complaints.Where(c => c.SubmittedAtUtc >= start);
            }
            if (dates.EndUtc is { } end)
            {
                complaints = complaints.Where(c => c.SubmittedAtUtc < end);
            }
            return complaints;
        }

        private static IQueryable<Complaint> FilterByText(IQueryable<Complaint> complaints, string? text, ValidationErrors errors)
        {
            if (Text.Clean(text, multiline: false) is not { } q)
            {
                return complaints;
            }
            if (q.Length > 100)
            {
                errors.Add("q", "搜索词不能超过 100 个字。");
            }
            // A tracking number is looked up by its unique index alone: OR-ing it with the text match made the
            // database test every complaint's text (seconds at a million rows) to find the one row the index has.
            return TrackingNumber.TryNormalize(q, out var number)
                ? complaints.Where(c => c.TrackingNumber == number)
                : complaints.Where(c => c.Title.Contains(q) || c.Description.Contains(q));
        }


        /// <summary>Reads up to <paramref name="limit"/> + 1 rows with their unit and whether each has a supplement this user has not seen.</summary>
        private async Task<List<Row>> LoadPageRowsAsync(ClaimsPrincipal user, IQueryable<Complaint> complaints, int limit, CancellationToken ct)
        {
            // Whether a case is named, and when the complainant did what, are the complainant's identity too.
            var userId = user.UserId() ?? string.Empty;
            var listedAt = time.GetUtcNow().UtcDateTime;
            var releasedUntil = ComplainantTimes.ReleasedUntil(configuration, user, listedAt);
            // Supplements after this came with the latest release: a look at the case before that release did not show them.
            var releasedBefore = releasedUntil == listedAt ? releasedUntil : ComplainantTimes.ReleasedUntil(configuration, user, releasedUntil.AddTicks(-1));
            return await complaints
                .Take(limit + 1)
                // A left join: a case 待确定单位 has no unit yet and is listed all the same.
                .GroupJoin(db.Units, c => c.UnitId, u => (int?)u.Id, (c, units) => new { c, units })
                .SelectMany(x => x.units.DefaultIfEmpty(), (x, u) => new { x.c, u })
                .Select(x => new { c = x.c, Code = x.u == null ? null : x.u.Code, Name = x.u == null ? null : x.u.Name })
                .Select(x => new Row
                {
                    Id = x.c.Id, TrackingNumber = x.c.TrackingNumber, Status = x.c.Status, Code = x.Code, Name = x.Name, Category = x.c.Category, Title = x.c.Title,
                    SubmittedAtUtc = x.c.SubmittedAtUtc, DueAtUtc = x.c.DueAtUtc, PendingRequest = x.c.PendingRequest, Satisfaction = x.c.Satisfaction,
                    EscalationLevelNotified = x.c.EscalationLevelNotified, Anonymous = x.c.Anonymous, Version = x.c.Version,
                    // A supplement newer than this user's last look at the case (or any, if they never opened it).
                    NewSupplement = db.ComplaintEvents.Any(e => e.ComplaintId == x.c.Id && e.Action == ComplaintActions.Supplement && e.AtUtc <= releasedUntil
                        && !db.ComplaintSeen.Any(s => s.UserId == userId && s.ComplaintId == x.c.Id && s.SeenAtUtc >= e.AtUtc
                            && (e.AtUtc <= releasedBefore || s.SeenAtUtc >= releasedUntil))),
                })
                .ToListAsync(ct);
        }

        /// <summary>Puts the rows in keyset order, keeps the page's and seals a cursor after its last row if more follow.</summary>
        private Page ToPage(List<Row> rows, Paging paging, bool seesComplainant, DateTime now)
        {
            // The join may reorder on some providers; the page order is the keyset order.
            rows = (paging.Ascending
                    ? rows.OrderBy(r => KeyOf(paging.Sort, r)).ThenBy(r => r.Id)
                    : rows.OrderByDescending(r => KeyOf(paging.Sort, r)).ThenByDescending(r => r.Id))
                .ToList();
            var page = rows.Take(paging.Limit).ToList();
            var next = rows.Count > paging.Limit
                ? _cursor.Protect(KeysetCursor.Encode(paging.Order, KeyOf(paging.Sort, page[^1]), page[^1].Id))
                : null;
            return new Page(page.Select(r => ToItem(r, seesComplainant, now)).ToList(), next);
        }

        private static Item ToItem(Row r, bool seesComplainant, DateTime now) => new(
            r.TrackingNumber,
            ComplaintStatuses.Codes.CodeOf(r.Status),
            ComplaintStatuses.DisplayLabel(r.Status, r.Satisfaction),
            new GetStaffComplaint.UnitInfo(r.Code, r.Name ?? ComplaintTexts.UnitUndetermined),
            ProblemCategories.Codes.CodeOf(r.Category),
            ProblemCategories.Codes.LabelOf(r.Category),
            r.Title,
            ComplainantTimes.For(seesComplainant, r.SubmittedAtUtc),
            r.DueAtUtc,
            ComplaintRules.IsOverdue(r.Status, r.DueAtUtc, now),
            r.PendingRequest switch { PendingRequest.Return => "return", PendingRequest.Extension => "extension", PendingRequest.Suspension => "suspension", _ => null },
            r.EscalationLevelNotified,
            seesComplainant ? r.Anonymous : null,
            r.NewSupplement,
            GetStaffComplaint.ETagFor(r.Version));
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints", ([AsParameters] Query query, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.HandleAsync(http.User, query, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("ListComplaints")
            .WithSummary("反映列表（工作人员）")
            .WithDescription("Filters: status, unit, category, overdue, from/to (China dates, yyyy-MM-dd), q (text or tracking number). Sort: sort=submitted|due|escalation, dir=asc|desc. Keyset pagination: pass nextCursor back as cursor (with the same sort). anonymous is present for supervisors only; newSupplement says the complainant added a supplement since you last opened the case.")
            .Produces<Page>()
            .ProducesValidationProblem();
    }
}
