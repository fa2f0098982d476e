using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision.Callbacks;

/// <summary>
/// 回访 queue: the named cases a supervisor should call back about the unit's answer (docs/scoring.md, "回访"):
/// answers the complainant did not rate within the feedback window, answers rated 不满意, and a fixed sample of
/// closed, rated cases (one in <see cref="SampleEvery"/>, by case id: the same cases on every node and every day).
/// A case leaves the queue once a call reached the complainant; an unreached one stays, with its last attempt.
/// Anonymous cases are never listed: there is no one to call.
/// </summary>
public static class GetCallbacks
{
    /// <summary>One closed, rated case in this many is sampled for a quality call.</summary>
    public const int SampleEvery = 10;

    /// <summary>At most this many cases are listed, oldest answer first.</summary>
    public const int MaxListed = 200;

    public const string Unrated = "unrated";
    public const string Dissatisfied = "dissatisfied";
    public const string Sample = "sample";

    public static readonly IReadOnlyDictionary<string, string> ReasonLabels = new Dictionary<string, string>
    {
        [Unrated] = "评价期满未评价",
        [Dissatisfied] = "评价为不满意",
        [Sample] = "办结案件抽样回访",
    };

    /// <param name="Reason">unrated | dissatisfied | sample.</param>
    /// <param name="LastCallReached">The last call's outcome (false: 未能联系); null before any call.</param>
    public sealed record Item(string TrackingNumber, string Title, string UnitCode, string UnitName, string Reason, string ReasonLabel,
        DateTime ApprovedAt, string? Satisfaction, DateTime? LastCallAt, bool? LastCallReached);

    public sealed record Queue(IReadOnlyList<Item> Items, int SampleEvery, int FeedbackWindowDays);

    public sealed class Handler(PingYiDbContext db, TimeProvider time, WorkflowRuntime workflows)
    {
        public async Task<Queue> HandleAsync(CancellationToken ct)
        {
            var window = workflows.ForNewComplaint().Deadlines.FeedbackWindowDays;
            var unratedBy = time.GetUtcNow().UtcDateTime.AddDays(-window);
            var rows = await (
                    from r in db.HandlingRecords.AsNoTracking()
                    join c in db.Complaints.AsNoTracking() on r.ComplaintId equals c.Id
                    join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                    where !c.Anonymous && r.EndedAtUtc == null && r.ApprovedAtUtc != null && r.CallbackReached != true
                        && ((r.RatedAtUtc == null && r.ApprovedAtUtc <= unratedBy)
                            || r.Satisfaction == Satisfaction.Dissatisfied
                            || (c.Status == ComplaintStatus.Closed && r.Satisfaction != null && c.Id % SampleEvery == 0))
                    orderby r.ApprovedAtUtc, c.TrackingNumber
                    select new
                    {
                        c.TrackingNumber, c.Title, UnitCode = u.Code, UnitName = u.Name, r.ApprovedAtUtc, r.RatedAtUtc, r.Satisfaction,
                        r.CallbackAtUtc, r.CallbackReached,
                    })
                .Take(MaxListed)
                .ToListAsync(ct);
            var items = rows.Select(x =>
            {
                var reason = x.Satisfaction == Satisfaction.Dissatisfied ? Dissatisfied : x.RatedAtUtc == null ? Unrated : Sample;
                return new Item(x.TrackingNumber, x.Title, x.UnitCode, x.UnitName, reason, ReasonLabels[reason],
                    DateTime.SpecifyKind(x.ApprovedAtUtc!.Value, DateTimeKind.Utc),
                    x.Satisfaction is { } s ? Satisfactions.Codes.CodeOf(s) : null,
                    x.CallbackAtUtc is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null, x.CallbackReached);
            }).ToList();
            return new Queue(items, SampleEvery, window);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/callbacks", async (HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return Results.Ok(await handler.HandleAsync(ct));
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Supervisor))
            .WithName("GetCallbacks")
            .WithSummary("回访队列（仅纪检监察工委）：评价期满未评价、评价为不满意及办结抽样的实名反映")
            .Produces<Queue>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
