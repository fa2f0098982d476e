using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Tracking;

/// <summary>补充材料: the complainant adds information (text and up to five files) to an open case.</summary>
public static class AddSupplement
{
    public const int TextMax = 5000;
    public const int MaxFiles = 5;

    public sealed record Command(string? TrackingNumber, string? AccessCode, string? Text, IReadOnlyList<UploadedFile> Files);

    public sealed record Request(string? Text);

    public sealed class Handler(PingYiDbContext db, LookupComplaint.Handler lookup, TimeProvider time)
    {
        /// <summary>Null when the number or code is wrong.</summary>
        public async Task<Result<bool>?> HandleAsync(Command command, CancellationToken ct)
        {
            var id = await lookup.AuthenticateAsync(command.TrackingNumber, command.AccessCode, ct);
            if (id is null)
            {
                return null;
            }
            var errors = new ValidationErrors();
            var text = Text.Clean(command.Text, multiline: true);
            if (text is null)
            {
                errors.Add("text", "请填写补充内容。");
            }
            else if (Text.CharacterCount(text) > TextMax)
            {
                errors.Add("text", $"补充内容不能超过 {TextMax} 个字。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var files = await AttachmentUploads.InspectAsync(command.Files, MaxFiles, ct);
            if (!files.Succeeded)
            {
                return files.Failure!;
            }

            var complaint = await db.Complaints.SingleAsync(c => c.Id == id, ct);
            var now = time.GetUtcNow().UtcDateTime;
            ComplaintEvent supplement;
            try
            {
                supplement = complaint.AddSupplement(text!, files.Value!.Count, now);
            }
            catch (ComplaintStateException e)
            {
                return RequestFailure.Field(StatusCodes.Status409Conflict, "该反映已结束", "text", e.ChineseMessage + "如有新的问题，请重新反映。");
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            // Neutral names continue the case's numbering: 证据3.jpg after two files with the complaint.
            var numbered = await db.Attachments.CountAsync(a => a.ComplaintId == complaint.Id, ct);
            foreach (var file in files.Value!)
            {
                db.Attachments.Add(new Attachment(complaint.Id, supplement.Id, ++numbered, file, now));
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/complaints/{trackingNumber}/supplements", async (string trackingNumber, HttpContext http, Handler handler, LookupComplaint.Handler lookup, CancellationToken ct) =>
            {
                // The code is checked before the body is read: without it nobody may make the server take in
                // up to 50 MB of uploads. (The handler checks it again; a right code stays right.)
                if (await lookup.AuthenticateAsync(trackingNumber, http.Request.Headers[LookupComplaint.AccessCodeHeader], ct) is null)
                {
                    return LookupComplaint.NotFound().ToProblem();
                }
                string? text;
                IReadOnlyList<UploadedFile> files = [];
                if (ApiBody.IsMultipart(http.Request))
                {
                    var form = await ApiBody.ReadFormAsync(http, MaxFiles * Attachment.MaxBytes + 1024 * 1024, ct);
                    if (!form.Succeeded)
                    {
                        return form.Failure!.ToProblem();
                    }
                    text = form.Value!["text"];
                    files = form.Value.Files.GetFiles(ApiBody.MultipartFilesField).Select(UploadedFile.From).ToList();
                }
                else
                {
                    var json = await ApiBody.ReadJsonAsync<Request>(http, 64 * 1024, ct);
                    if (!json.Succeeded)
                    {
                        return json.Failure!.ToProblem();
                    }
                    text = json.Value!.Text;
                }
                var result = await handler.HandleAsync(new Command(trackingNumber, http.Request.Headers[LookupComplaint.AccessCodeHeader], text, files), ct);
                if (result is null)
                {
                    return LookupComplaint.NotFound().ToProblem();
                }
                return result.Value.Succeeded ? Results.NoContent() : result.Value.Failure!.ToProblem();
            })
            .WithName("AddSupplement")
            .WithSummary("补充材料")
            .Accepts<Request>("application/json", "multipart/form-data")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Lookup)
            .WithAccessCode();
    }
}
