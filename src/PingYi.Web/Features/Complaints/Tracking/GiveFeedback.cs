using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>回访评价: the complainant rates the outcome. 满意/基本满意 closes the case; 不满意 puts it before a supervisor.</summary>
public static class GiveFeedback
{
    public sealed class Handler(PingYiDbContext db, LookupComplaint.Handler lookup, PerformAction.Handler perform)
    {
        /// <summary>Null when the tracking number or access code is wrong.</summary>
        public async Task<Result<Complaint>?> HandleAsync(string? trackingNumber, string? accessCode, IReadOnlyDictionary<string, System.Text.Json.JsonElement> fields, CancellationToken ct)
        {
            var id = await lookup.AuthenticateAsync(trackingNumber, accessCode, ct);
            if (id is null)
            {
                return null;
            }
            var complaint = await db.Complaints.SingleAsync(c => c.Id == id, ct);
            return await perform.HandleAsync(complaint, new PerformAction.Command("feedback", new Actor(null, WorkflowRoles.Complainant), fields, IfMatch: null), ct);
        }
    }

    /// <summary>The case's status after the rating: closed, or still awaiting-feedback before the supervisors.</summary>
    public sealed record Response(string Status);

    /// <summary>The body as documented; the handler reads it as the workflow's <c>feedback</c> fields.</summary>
    /// <param name="Satisfaction">satisfied, basically-satisfied or dissatisfied.</param>
    /// <param name="Resolved">Optional: 问题是否解决 — resolved, partly or unresolved (counted in the unit's 解决率).</param>
    /// <param name="Comment">Optional.</param>
    public sealed record Body(string? Satisfaction, string? Resolved, string? Comment);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/complaints/{trackingNumber}/feedback", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var fields = await PerformAction.ReadFieldsAsync(http, ct);
                if (!fields.Succeeded)
                {
                    return fields.Failure!.ToProblem();
                }
                var result = await handler.HandleAsync(trackingNumber, http.Request.Headers[LookupComplaint.AccessCodeHeader], fields.Value!, ct);
                if (result is null)
                {
                    return LookupComplaint.NotFound().ToProblem();
                }
                return result.Value.Succeeded
                    ? Results.Ok(new Response(ComplaintStatuses.Codes.CodeOf(result.Value.Value!.Status)))
                    : result.Value.Failure!.ToProblem();
            })
            .WithName("GiveFeedback")
            .WithSummary("评价办理结果（反映人，凭查询码）")
            .WithDescription("Body: { \"satisfaction\": \"satisfied\" | \"basically-satisfied\" | \"dissatisfied\", \"resolved\"?: \"resolved\" | \"partly\" | \"unresolved\", \"comment\"?: string }, with the X-Access-Code header.")
            .Accepts<Body>("application/json")
            .Produces<Response>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Lookup)
            .WithAccessCode();
    }
}
