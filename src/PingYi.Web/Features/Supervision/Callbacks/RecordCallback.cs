using System.Security.Claims;
using PingYi.Data;
using PingYi.Data.Identity;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Supervision.Callbacks;

/// <summary>
/// Records one 回访 call (supervisors only): reached, with 满意度 and 问题是否解决, or 未能联系; notes optional. Each call
/// is an internal timeline event of the case (its audit) and its answer is kept on the handling record, where the
/// channel score counts it for an answer the complainant did not rate (docs/scoring.md, "回访").
/// </summary>
public static class RecordCallback
{
    public const int NotesMax = 1000;

    public sealed record Request(bool? Reached, string? Satisfaction, string? Resolved, string? Notes);

    public sealed record Recorded(string TrackingNumber, bool Reached, string? Satisfaction, string? Resolved, DateTime CalledAt);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time)
    {
        public async Task<Result<Recorded>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, Request request, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.ViewContact, track: true, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var complaint = loaded.Value!;
            var errors = new ValidationErrors();
            var notes = Text.Clean(request.Notes, multiline: true);
            Satisfaction? satisfaction = null;
            Resolution? resolution = null;
            if (request.Reached is not { } reached)
            {
                errors.Add("reached", "请选择是否联系上反映人。");
                return RequestFailure.Invalid(errors);
            }
            if (reached)
            {
                if (Satisfactions.Codes.TryParse(request.Satisfaction, out var s)) { satisfaction = s; } else { errors.Add("satisfaction", "请选择反映人的满意度。"); }
                if (Resolutions.Codes.TryParse(request.Resolved, out var r)) { resolution = r; } else { errors.Add("resolved", "请选择问题是否解决。"); }
            }
            else if (request.Satisfaction is not null || request.Resolved is not null)
            {
                errors.Add("reached", "未能联系时不能填写满意度或问题是否解决。");
            }
            if (notes is not null && Text.CharacterCount(notes) > NotesMax)
            {
                errors.Add("notes", $"回访记录不能超过 {NotesMax} 个字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            if (complaint.Anonymous)
            {
                return RequestFailure.Conflict("不能回访", "trackingNumber", "匿名反映没有联系方式，不能回访。");
            }
            if (complaint.CallbackTarget is null)
            {
                return RequestFailure.Conflict("不能回访", "trackingNumber", "本件尚无审核通过的办理结果，不能回访。");
            }
            var now = time.GetUtcNow().UtcDateTime;
            complaint.RecordCallback(new Actor(user.UserId(), WorkflowRoles.Supervisor), satisfaction, resolution, notes, now);
            await db.SaveChangesAsync(ct);
            return new Recorded(complaint.TrackingNumber, reached,
                satisfaction is { } sat ? Satisfactions.Codes.CodeOf(sat) : null,
                resolution is { } res ? Resolutions.Codes.CodeOf(res) : null, now);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/complaints/{trackingNumber}/callbacks", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var body = await ApiBody.ReadJsonAsync<Request>(http, 16 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.HandleAsync(http.User, trackingNumber, body.Value!, ct);
                return result.ToOk();
            })
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Supervisor))
            .WithName("RecordCallback")
            .WithSummary("记录回访结果（仅纪检监察工委，每次回访留痕）")
            .Accepts<Request>("application/json")
            .Produces<Recorded>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
