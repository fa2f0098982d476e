using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// A named complainant's identity, for supervisors only. It is never part of the complaint's own view (which
/// shows supervisors a masked form, <c>王*兰</c>, <c>139****5678</c>): reading it in full is a deliberate act with a
/// stated reason (PIPL), and each read is written to the complaint's audit trail with that reason.
/// </summary>
public static class ViewComplainant
{
    public const int ReasonMax = 200;

    /// <summary><paramref name="Erased"/>: the retention period is over and the details are gone.</summary>
    public sealed record View(bool Anonymous, string? Name, string? Phone, string? Email, bool Erased = false);

    public sealed record Request(string? Reason);

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, TimeProvider time, Administration.AuditLog audit)
    {
        public async Task<Result<View>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, string? reason, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.ViewContact, track: false, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var complaint = loaded.Value!;
            if (complaint.Anonymous)
            {
                return new View(true, null, null, null);
            }
            var why = Text.Clean(reason, multiline: false);
            var errors = new ValidationErrors();
            if (why is null)
            {
                errors.Add("reason", "请填写查看反映人身份信息的理由。");
            }
            else if (Text.CharacterCount(why) > ReasonMax)
            {
                errors.Add("reason", $"理由不能超过 {ReasonMax} 个字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var contact = await db.ComplainantContacts.AsNoTracking().SingleOrDefaultAsync(c => c.ComplaintId == complaint.Id, ct);
            if (contact is null)
            {
                return new View(false, null, null, null, Erased: true);
            }
            db.ComplaintEvents.Add(ComplaintEvent.ContactViewed(complaint.Id, user.UserId()!, user.WorkflowRoleFor(complaint.UnitId)!, time.GetUtcNow().UtcDateTime, why!));
            // Also in the administrators' audit log, with its reason: the case's timeline is not where they look.
            audit.Record(user, Administration.AuditKinds.ComplainantViewed, $"complaint:{complaint.TrackingNumber}", null, new { trackingNumber = complaint.TrackingNumber, reason = why });
            await db.SaveChangesAsync(ct);
            return new View(false, contact.Name, contact.Phone, contact.Email);
        }

        /// <summary>The masked form supervisors see without asking; null when anonymous or erased. Not logged: it identifies no one.</summary>
        public async Task<View?> MaskedAsync(Complaint complaint, CancellationToken ct)
        {
            if (complaint.Anonymous)
            {
                return null;
            }
            var contact = await db.ComplainantContacts.AsNoTracking().SingleOrDefaultAsync(c => c.ComplaintId == complaint.Id, ct);
            return contact is null ? null : new View(false, ContactMask.Name(contact.Name), ContactMask.Phone(contact.Phone), ContactMask.Email(contact.Email));
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        // POST: a reveal writes an audit record and needs a reason; a GET here answers 405.
        api.MapPost("/complaints/{trackingNumber}/complainant", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var body = await ApiBody.ReadJsonAsync<Request>(http, 16 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.HandleAsync(http.User, trackingNumber, body.Value!.Reason, ct);
                return result.ToOk();
            })
            .RequireAuthorization()
            .WithName("ViewComplainant")
            .WithSummary("查看反映人身份信息（仅纪检监察工委，须填写理由，查看留痕）")
            .Accepts<Request>("application/json")
            .Produces<View>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        // Said explicitly: a GET would otherwise fall through to another route and answer 404.
        api.MapGet("/complaints/{trackingNumber}/complainant", (HttpContext http) =>
            {
                http.Response.Headers.Allow = "POST";
                return Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "请使用 POST",
                    detail: "查看反映人身份信息须以 POST 提交查看理由（reason）。");
            })
            .ExcludeFromDescription();
    }
}

/// <summary>Masks contact details for display: 王*兰, 139****5678, w***@example.com.</summary>
public static class ContactMask
{
    public static string? Name(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return name;
        }
        var chars = System.Globalization.StringInfo.GetTextElementEnumerator(name);
        var elements = new List<string>();
        while (chars.MoveNext())
        {
            elements.Add(chars.GetTextElement());
        }
        return elements.Count switch
        {
            1 => "*",
            2 => elements[0] + "*",
            _ => elements[0] + new string('*', elements.Count - 2) + elements[^1],
        };
    }

    public static string? Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return phone;
        }
        return phone.Length >= 8 ? phone[..3] + new string('*', phone.Length - 7) + phone[^4..] : new string('*', phone.Length - 2) + phone[^2..];
    }

    public static string? Email(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return email;
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }
}
