using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// 内部备注 (issue 24 §3): staff notes on a case, for the unit that holds it and the committee, or for the committee
/// only (a supervisor's choice). Never the complainant's: the notes live in their own table, which nothing on /track,
/// its API or a complainant's mail or SMS reads. The case page and <c>/api/v1/complaints/{n}/notes</c> call <see cref="Handler"/>.
/// </summary>
public static class CaseNotes
{
    public sealed record Request(string? Text, bool? CommitteeOnly);

    /// <param name="CommitteeOnly">仅纪检监察工委可见 (never shown to a unit).</param>
    public sealed record Note(long Id, string Text, bool CommitteeOnly, string AuthorName, string AuthorRole, DateTime At);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time)
    {
        /// <summary>The notes this user may read, oldest first; 404 for a case they may not see.</summary>
        public async Task<Result<IReadOnlyList<Note>>> ListAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            return loaded.Succeeded ? Result<IReadOnlyList<Note>>.From(await ForAsync(user, loaded.Value!, ct)) : loaded.Failure!;
        }

        public async Task<IReadOnlyList<Note>> ForAsync(ClaimsPrincipal user, Complaint complaint, CancellationToken ct)
        {
            var role = user.WorkflowRoleFor(complaint.UnitId);
            if (role is null)
            {
                return [];
            }
            var rows = await db.ComplaintNotes.AsNoTracking()
                .Where(n => n.ComplaintId == complaint.Id)
                .Where(ComplaintNote.VisibleTo(role == WorkflowRoles.Supervisor ? null : user.UnitId()))
                .OrderBy(n => n.AtUtc).ThenBy(n => n.Id)
                .ToListAsync(ct);
            var authorIds = rows.Select(n => n.AuthorId).Distinct().ToList();
            var names = authorIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            return rows.Select(n => new Note(n.Id, n.Text, n.Audience == NoteAudience.Committee, names.GetValueOrDefault(n.AuthorId, string.Empty), n.AuthorRole, n.AtUtc)).ToList();
        }

        /// <summary>Writes a note: by a supervisor or a handler of the case's unit (404 for anyone who may not see the case).</summary>
        public async Task<Result<Note>> AddAsync(ClaimsPrincipal user, string? trackingNumber, Request request, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var complaint = loaded.Value!;
            var role = user.WorkflowRoleFor(complaint.UnitId);
            if (role is null || user.UserId() is not { } authorId)
            {
                return ComplaintAccess.NotFound();
            }
            var (note, errors) = ComplaintNote.Write(complaint.Id, complaint.UnitId, authorId, role, request.Text, request.CommitteeOnly == true, time.GetUtcNow().UtcDateTime);
            if (note is null)
            {
                return RequestFailure.Invalid(errors);
            }
            db.ComplaintNotes.Add(note);
            await db.SaveChangesAsync(ct);
            return new Note(note.Id, note.Text, note.Audience == NoteAudience.Committee, user.FindFirstValue(StaffClaims.DisplayName) ?? string.Empty, role, note.AtUtc);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}/notes", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                return (await handler.ListAsync(http.User, trackingNumber, ct)).ToOk();
            })
            .RequireAuthorization()
            .WithName("ListCaseNotes")
            .WithSummary("内部备注（承办单位与纪检监察工委可见，或仅工委可见；反映人永远看不到）")
            .WithDescription("Oldest first. A unit's handler reads the notes written while the case was with their unit and not kept for the committee; a supervisor reads all. 404 for a case the user may not see.")
            .Produces<IReadOnlyList<Note>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/complaints/{trackingNumber}/notes", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
                await ResultHttp.JsonCommandAsync<Request, Note>(http, body => handler.AddAsync(http.User, trackingNumber, body, ct),
                    r => r.ToCreated(_ => $"/api/v1/complaints/{Uri.EscapeDataString(trackingNumber)}/notes"), ct))
            .RequireAuthorization()
            .WithName("AddCaseNote")
            .WithSummary("写内部备注")
            .WithDescription("{ \"text\": \"…\" (1–2000 characters), \"committeeOnly\": false }. committeeOnly (仅工委可见) is for supervisors; a unit's handler asking for it gets 400. 201 with the note.")
            .Accepts<Request>("application/json")
            .Produces<Note>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
