using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>Evidence files, for staff who may view the complaint. Always sent as a download, never rendered inline.</summary>
public static class DownloadAttachment
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}/attachments/{id}", async (string trackingNumber, string id, HttpContext http, ComplaintAccess access, PingYiDbContext db, TimeProvider time, IConfiguration configuration, CancellationToken ct) =>
            {
                // The file's public id (32 hex characters, random); the table's sequential key answers 404.
                if (!FileIds.IsWellFormed(id))
                {
                    return RequestFailure.Field(StatusCodes.Status404NotFound, "未找到", "id", "未找到该附件。").ToProblem();
                }
                var loaded = await access.LoadAsync(http.User, trackingNumber, ComplaintOperations.View, track: false, ct);
                if (!loaded.Succeeded)
                {
                    return loaded.Failure!.ToProblem();
                }
                // A supplement's file not yet released to the unit is not there for it.
                var releasedUntil = ComplainantTimes.ReleasedUntil(configuration, http.User, time.GetUtcNow().UtcDateTime);
                var submittedAt = loaded.Value!.SubmittedAtUtc;
                var file = await db.Attachments.AsNoTracking()
                    .Where(a => a.PublicId == id && a.ComplaintId == loaded.Value!.Id)
                    .Where(a => a.Purpose != PingYi.Domain.Complaints.AttachmentPurpose.Evidence || a.UploadedAtUtc <= submittedAt || a.UploadedAtUtc <= releasedUntil)
                    .Select(a => new { a.FileName, a.OriginalFileName, a.ContentType, a.Content })
                    .FirstOrDefaultAsync(ct);
                if (file is null)
                {
                    return RequestFailure.NotFound("未找到", "id", "未找到该附件。").ToProblem();
                }
                http.Response.Headers.CacheControl = "private, no-store";
                // The complainant's own file name can name them: only those who may see the complainant get it.
                var name = file.OriginalFileName is { } original && await access.AllowedAsync(http.User, loaded.Value!, ComplaintOperations.ViewContact)
                    ? original
                    : file.FileName;
                return Results.File(file.Content, file.ContentType, name);
            })
            .RequireAuthorization()
            .Produces(StatusCodes.Status200OK)
            .AddOpenApiOperationTransformer(OpenApiConventions.FileDownload(Domain.Complaints.FileInspector.Jpeg.ContentType, Domain.Complaints.FileInspector.Png.ContentType,
                Domain.Complaints.FileInspector.Pdf.ContentType, Domain.Complaints.FileInspector.Docx.ContentType))
            .WithName("DownloadAttachment")
            .WithSummary("下载证据材料")
            .WithDescription("id is the file's public id from the case view's attachments (32 random hex characters), not a sequence number; anything else answers 404.");
    }
}
