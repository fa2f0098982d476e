using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>补充材料: the complainant adds information (text and up to five files) to an open case.</summary>
public static class AddSupplement
{
    public const int TextMax = 5000;
    public const int MaxFiles = 5;

    public sealed record Command(string? TrackingNumber, string? AccessCode, string? Text, IReadOnlyList<UploadedFile> Files);

    public sealed record Request(string? Text);

    /// <summary>The multipart overhead allowed beyond the files themselves (the text, boundaries, headers).</summary>
    public const long FormOverheadBytes = 1024 * 1024;

    public sealed class Handler(PingYiDbContext db, LookupComplaint.Handler lookup, TimeProvider time, IOptions<AttachmentLimits> limits, WorkflowRuntime workflows)
    {
        /// <summary>
        /// The most bytes a supplement's request body may have for complaint <paramref name="complaintId"/>: what the
        /// per-complaint cap leaves (at most five files' worth) plus the form's overhead. Read before the body.
        /// </summary>
        public async Task<long> MaxBodyBytesAsync(long complaintId, CancellationToken ct)
        {
            var (files, bytes) = await EvidenceSoFarAsync(complaintId, ct);
            var left = limits.Value.Remaining(files, bytes).Bytes;
            return Math.Min(left, MaxFiles * Attachment.MaxBytes) + FormOverheadBytes;
        }

        private async Task<(int Files, long Bytes)> EvidenceSoFarAsync(long complaintId, CancellationToken ct)
        {
            var evidence = db.Attachments.Where(a => a.ComplaintId == complaintId && a.Purpose == AttachmentPurpose.Evidence);
            return (await evidence.CountAsync(ct), await evidence.SumAsync(a => (long?)a.SizeBytes, ct) ?? 0);
        }

        /// <summary>The 413 for a body larger than <see cref="MaxBodyBytesAsync"/> allows.</summary>
        public async Task<RequestFailure> TooMuchAsync(long complaintId, CancellationToken ct)
        {
            var (files, bytes) = await EvidenceSoFarAsync(complaintId, ct);
            return limits.Value.TooMuch(files, bytes);
        }

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
            // The per-complaint caps, on the declared sizes: over them, nothing is read, cleaned or stored.
            var (existingFiles, existingBytes) = await EvidenceSoFarAsync(id.Value, ct);
            if (limits.Value.Check(command.Files, existingFiles, existingBytes) is { } tooMuch)
            {
                return tooMuch;
            }
            var files = await AttachmentUploads.InspectAsync(command.Files, MaxFiles, ct);
            if (!files.Succeeded)
            {
                return files.Failure!;
            }

            // Its open 督办 notices too: a supplement that resumes a suspended case restarts their reply deadlines.
            var complaint = await db.Complaints.Include(c => c.SupervisionNotices.Where(n => n.IsOpen)).SingleAsync(c => c.Id == id, ct);
            var now = time.GetUtcNow().UtcDateTime;
            ComplaintEvent supplement;
            try
            {
                supplement = complaint.AddSupplement(text!, files.Value!.Count, now);
                // 中止 waits for the complainant: what they supply resumes the case by itself (workflow v4).
                complaint.ResumeOnSupplement(workflows.For(complaint), now);
            }
            catch (ComplaintStateException e)
            {
                return RequestFailure.Conflict("该反映已结束", "text", e.ChineseMessage + "如有新的问题，请重新反映。");
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                // The complaint's version moves with the new event: of two supplements racing past the caps
                // above, one saves and the other stops here, so together they cannot exceed them.
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return RequestFailure.Conflict("操作冲突", "text", "该反映刚刚有其他更新，本次补充未保存，请重试。");
            }
            // Neutral names continue the case's numbering: 证据3.jpg after two files with the complaint.
            var numbered = existingFiles;
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
                if (await lookup.AuthenticateAsync(trackingNumber, http.Request.Headers[LookupComplaint.AccessCodeHeader], ct) is not { } complaintId)
                {
                    return LookupComplaint.NotFound().ToProblem();
                }
                string? text;
                IReadOnlyList<UploadedFile> files = [];
                if (ApiBody.IsMultipart(http.Request))
                {
                    // A body that cannot fit in what the complaint's caps leave is refused before it is read.
                    var maxBody = await handler.MaxBodyBytesAsync(complaintId, ct);
                    if (http.Request.ContentLength > maxBody)
                    {
                        return (await handler.TooMuchAsync(complaintId, ct)).ToProblem();
                    }
                    var form = await ApiBody.ReadFormAsync(http, maxBody, ct);
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
            .AddOpenApiOperationTransformer(OpenApiConventions.SupplementForm)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Lookup)
            .WithAccessCode();
    }
}
