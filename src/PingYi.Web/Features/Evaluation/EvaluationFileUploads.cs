using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation;

/// <summary>
/// Files added to a record of the round (inspection photos, deduction evidence): checked by content like complaint
/// evidence, at most <c>max</c> per record in all, at least one per upload.
/// </summary>
public static class EvaluationFileUploads
{
    /// <summary>Stores the files and returns how many the record has now.</summary>
    /// <param name="noneTitle">The problem title when the upload holds no file; <paramref name="noneMessage"/> its field message.</param>
    public static async Task<Result<int>> AttachAsync(
        PingYiDbContext db, EvaluationFileOwner owner, long ownerId, int roundId, int unitId, int max,
        IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, DateTime nowUtc, string noneTitle, string noneMessage, CancellationToken ct)
    {
        var existing = await db.EvaluationFiles.CountAsync(f => f.Owner == owner && f.OwnerId == ownerId, ct);
        var files = await AttachmentUploads.InspectAsync(uploads, max - existing, ct);
        if (!files.Succeeded)
        {
            return files.Failure!;
        }
        if (files.Value!.Count == 0)
        {
            return RequestFailure.Invalid(noneTitle, AttachmentUploads.Field, noneMessage);
        }
        foreach (var file in files.Value)
        {
            db.EvaluationFiles.Add(new EvaluationFile(roundId, owner, ownerId, unitId, null, file, user.UserId()!, nowUtc));
        }
        await db.SaveChangesAsync(ct);
        return existing + files.Value.Count;
    }
}
