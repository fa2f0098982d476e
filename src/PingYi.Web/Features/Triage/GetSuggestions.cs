using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Triage;

/// <summary>
/// <c>GET /api/v1/complaints/{trackingNumber}/suggestions</c>: the triage desk's suggested units, category and
/// similar earlier complaints, with reasons. Supervisors only: to anyone else (a unit's handler included) the
/// complaint's suggestions do not exist (404), like another unit's complaint.
/// </summary>
public static class GetSuggestions
{
    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TriageEngine engine)
    {
        public async Task<Result<TriageSuggestions>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            if (!user.IsSupervisor())
            {
                return ComplaintAccess.NotFound();
            }
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var c = loaded.Value!;
            if (engine.Units.Count == 0)
            {
                // Asked before the start-up load got to the units.
                engine.SetUnits(await TriageIndexSync.ProfilesAsync(db, ct));
            }
            // 待确定单位: nothing picked to show beside the suggestions.
            var unitCode = c.UnitId is null ? null : engine.UnitCodeOf(c.UnitId) ?? await db.Units.Where(u => u.Id == c.UnitId).Select(u => u.Code).FirstOrDefaultAsync(ct);
            return engine.Suggest(new TriageQuery(c.Id, c.Title, c.Description, c.Location, c.OccurredOn, c.SubmittedAtUtc, unitCode));
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}/suggestions", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.HandleAsync(http.User, trackingNumber, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("GetTriageSuggestions")
            .WithSummary("分派建议：建议的承办单位、问题类别和相似反映，均附理由（仅纪检监察工委；建议只依据反映内容，不依据反映人所选单位）")
            .Produces<TriageSuggestions>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
