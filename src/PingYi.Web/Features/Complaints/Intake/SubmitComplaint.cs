using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Intake;

/// <summary>我要反映问题: lodge a complaint. The web form and the JSON API both call <see cref="Handler"/>.</summary>
public static class SubmitComplaint
{
    public sealed record Command(
        ComplaintSubmission Submission,
        IReadOnlyList<UploadedFile> Files,
        ComplaintChannel Channel,
        string? IdempotencyKey = null,
        bool SmsAccessCode = false,
        DateTime? ReceivedAtUtc = null);

    public sealed record Success(long Id, string TrackingNumber, string AccessCode, DateTime SubmittedAtUtc, bool Replayed);

    public const int MaxIdempotencyKeyLength = 100;
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    public sealed class Handler(PingYiDbContext db, TimeProvider time, IDataProtectionProvider dataProtection, WorkflowRuntime workflows, IMemoryCache cache,
        Microsoft.Extensions.Options.IOptions<AttachmentLimits> limits, IntakeKeys keys, LodgedSms lodgedSms, Infrastructure.Telemetry.PingYiMetrics metrics)
    {
        private readonly IDataProtector _protector = dataProtection.CreateProtector("PingYi.Intake.IdempotentAccessCode");

        public async Task<Result<Success>> HandleAsync(Command command, CancellationToken ct)
        {
            var errors = new ValidationErrors();
            var valid = command.Submission.Validate(ChinaTime.Today(time), errors);
            var unitCode = command.Submission.UnitCode?.Trim().ToLowerInvariant();
            var unitId = string.IsNullOrEmpty(unitCode) ? null : await UnitIdAsync(unitCode, ct);
            if (!string.IsNullOrEmpty(unitCode) && unitId is null)
            {
                errors.Add("unitCode", $"找不到单位代码“{unitCode}”，请从单位列表中选择。");
            }
            else if (unitId is -1)
            {
                errors.Add("unitCode", $"单位“{unitCode}”已撤销，不再受理新的反映，请选择现在承担该职能的单位。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }

            // The per-complaint caps hold from the start (an operator may set them below five files).
            if (limits.Value.Check(command.Files, 0, 0) is { } tooMuch)
            {
                return tooMuch;
            }
            var files = await AttachmentUploads.InspectAsync(command.Files, Attachment.MaxPerComplaint, ct);
            if (!files.Succeeded)
            {
                return files.Failure!;
            }

            string? recordKey = null;
            if (command.IdempotencyKey is not null)
            {
                recordKey = RecordKey(command.IdempotencyKey, Fingerprint(valid!, files.Value!));
                var replay = await ReplayAsync(recordKey, ct);
                if (replay is { } replayed)
                {
                    return replayed;
                }
                // An expired record of the same request would make the insert below collide; it answers nothing any more.
                var now = time.GetUtcNow().UtcDateTime;
                await db.IdempotencyRecords.Where(r => r.Key == recordKey && r.ExpiresAtUtc <= now).ExecuteDeleteAsync(ct);
            }

            try
            {
                return await LodgeAsync(command, valid!, unitId, files.Value!, recordKey, ct);
            }
            catch (DbUpdateException) when (command.IdempotencyKey is not null)
            {
                // A concurrent retry with the same key got there first: answer with its complaint.
                db.ChangeTracker.Clear();
                var replay = await ReplayAsync(recordKey!, ct);
                if (replay is not { } replayed)
                {
                    throw;
                }
                return replayed;
            }
        }

        /// <summary>Units change rarely and every intake names one: remember the ids of known codes for a while (the unit administration forgets a code it changes).</summary>
        private async Task<int?> UnitIdAsync(string unitCode, CancellationToken ct)
        {
            var key = "unit-id:" + unitCode;
            if (cache.TryGetValue(key, out int cached))
            {
                return cached;
            }
            // A retired unit answers -1: it exists (the code is not free) but takes no new complaints.
            var id = await db.Units.Where(u => u.Code == unitCode).Select(u => (int?)(u.Active ? u.Id : -1)).FirstOrDefaultAsync(ct);
            if (id is { } found)
            {
                cache.Set(key, found, TimeSpan.FromMinutes(5));
            }
            return id;
        }

        private async Task<Result<Success>> LodgeAsync(
            Command command, ValidComplaintSubmission valid, int? unitId, IReadOnlyList<InspectedFile> files, string? recordKey, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            // A complaint taken by phone, letter or visit counts from when it was received (checked by the caller).
            var lodgedAt = command.ReceivedAtUtc ?? now;
            var reserved = await keys.NextAsync(db, ChinaTime.DateOf(lodgedAt).Year, ct);
            var trackingNumber = reserved.TrackingNumber;
            var accessCode = AccessCode.Generate();
            var complaint = Complaint.Lodge(
                trackingNumber, AccessCode.Hash(accessCode), command.Channel, valid, unitId,
                workflows.ForNewComplaint(), lodgedAt);
            var sms = lodgedSms.Render(valid.Contact, trackingNumber, command.SmsAccessCode ? AccessCode.Display(accessCode) : null);
            if (reserved.ComplaintId is { } id)
            {
                // PostgreSQL: the id is known before the save, so nothing below waits for a generated key and EF Core
                // sends every row in one batch.
                db.Entry(complaint).Property(c => c.Id).CurrentValue = id;
            }

            // Complaint, contact, evidence and audit event go in one SaveChanges (one transaction, batched).
            db.Complaints.Add(complaint);
            if (valid.Contact is not null)
            {
                db.ComplainantContacts.Add(new ComplainantContact(complaint, valid.Contact));
            }
            for (var i = 0; i < files.Count; i++)
            {
                db.Attachments.Add(new Attachment(complaint, i + 1, files[i], now));
            }
            try
            {
                if (reserved.ComplaintId is not null)
                {
                    // The record joins the same save, so a concurrent retry that loses the race on the record's key
                    // rolls its complaint back with it.
                    if (recordKey is not null)
                    {
                        db.IdempotencyRecords.Add(Record(recordKey, complaint.Id, accessCode, now));
                    }
                    lodgedSms.Add(db, sms, complaint.Id, now);
                    await SaveAsOneBatchAsync(ct);
                }
                else if (command.IdempotencyKey is null && sms is null)
                {
                    await db.SaveChangesAsync(ct);
                }
                else
                {
                    // The rows that need the complaint's generated id join the same transaction.
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    await db.SaveChangesAsync(ct);
                    if (recordKey is not null)
                    {
                        db.IdempotencyRecords.Add(Record(recordKey, complaint.Id, accessCode, now));
                    }
                    lodgedSms.Add(db, sms, complaint.Id, now);
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }
            }
            catch (DbUpdateException)
            {
                // A key this process reserved may be stale (the database replaced under it): reserve afresh next time.
                keys.Forget();
                throw;
            }
            metrics.ComplaintLodged();
            return new Success(complaint.Id, trackingNumber, accessCode, complaint.SubmittedAtUtc, Replayed: false);
        }

        /// <summary>
        /// PostgreSQL, every key known: EF Core sends the whole save as one batch (IntakeRoundTripTests prove it for the
        /// largest intake), and PostgreSQL runs one batch — everything up to its Sync — as one implicit transaction that
        /// commits, durably, or not at all. EF's own BEGIN … COMMIT would only add the COMMIT's round trip.
        /// </summary>
        private async Task SaveAsOneBatchAsync(CancellationToken ct)
        {
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
            }
        }

        private IdempotencyRecord Record(string recordKey, long complaintId, string accessCode, DateTime now) => new()
        {
            Key = recordKey,
            // Kept for the schema; the key already binds the request, so nothing compares it any more.
            RequestHash = recordKey,
            ComplaintId = complaintId,
            ProtectedAccessCode = _protector.Protect(accessCode),
            CreatedAtUtc = now,
            ExpiresAtUtc = now + IdempotencyWindow,
        };

        /// <summary>
        /// The earlier answer to this very request, or null. The record is found by key and body together,
        /// so a key reused with another body looks exactly like an unknown key: the caller cannot learn what
        /// the first body held (a name, a phone number) by guessing.
        /// </summary>
        private async Task<Result<Success>?> ReplayAsync(string recordKey, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var record = await db.IdempotencyRecords.AsNoTracking()
                .Where(r => r.Key == recordKey && r.ExpiresAtUtc > now)
                .Select(r => new { r.ProtectedAccessCode, r.ComplaintId })
                .FirstOrDefaultAsync(ct);
            if (record is null)
            {
                return null;
            }
            var complaint = await db.Complaints.AsNoTracking()
                .Where(c => c.Id == record.ComplaintId)
                .Select(c => new { c.TrackingNumber, c.SubmittedAtUtc })
                .SingleAsync(ct);
            return new Success(record.ComplaintId, complaint.TrackingNumber, _protector.Unprotect(record.ProtectedAccessCode), complaint.SubmittedAtUtc, Replayed: true);
        }

        /// <summary>The stored key: a hash of the client's key and the request's fingerprint (the raw key is never stored).</summary>
        private static string RecordKey(string key, string requestHash) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + "\u001f" + requestHash)));

        /// <summary>What must match for a retry to count as the same request.</summary>
        private static string Fingerprint(ValidComplaintSubmission s, IReadOnlyList<InspectedFile> files)
        {
            var sb = new StringBuilder();
            sb.AppendJoin('\u001f', s.UnitCode, s.Category, s.Title, s.Description, s.OccurredOn, s.Location,
                s.Contact?.Name, s.Contact?.Phone, s.Contact?.Email);
            foreach (var f in files)
            {
                sb.Append('\u001e').Append(Convert.ToHexString(SHA256.HashData(f.Content)));
            }
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
        }
    }
}

/// <summary>The JSON body of <c>POST /api/v1/complaints</c>.</summary>
public sealed record SubmitComplaintRequest(
    string? UnitCode,
    string? Category,
    string? Title,
    string? Description,
    string? OccurredOn,
    string? Location,
    bool? Anonymous,
    ComplainantRequest? Complainant,
    string? Channel = null,
    string? ReceivedAt = null);

/// <param name="SmsAccessCode">Send the access code to this mobile number by SMS as well (otherwise the SMS carries the tracking number only).</param>
public sealed record ComplainantRequest(string? Name, string? Phone, string? Email, bool? SmsAccessCode = null);

/// <summary>What an intake asks beyond the complaint itself: the access code by SMS; a staff registration's channel and time received.</summary>
public sealed record IntakeOptions(bool SmsAccessCode, string? Channel, string? ReceivedAt);

public sealed record SubmitComplaintResponse(string TrackingNumber, string AccessCode, string Status, DateTime SubmittedAt);

public static class SubmitComplaintEndpoint
{
    public const long MaxJsonBytes = 64 * 1024;
    public const long MaxMultipartBytes = Attachment.MaxPerComplaint * Attachment.MaxBytes + 2 * 1024 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/complaints", HandleAsync)
            .WithName("SubmitComplaint")
            .WithSummary("反映问题（直通车）")
            .WithDescription("JSON, or multipart/form-data with the same field names (complainant.name …) and files under 'attachments'. "
                             + "An Idempotency-Key header makes a retry return the same complaint (see the parameter).")
            .Accepts<SubmitComplaintRequest>("application/json", "multipart/form-data")
            .AddOpenApiOperationTransformer(OpenApiConventions.SubmissionForm)
            .Produces<SubmitComplaintResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Intake);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SubmitComplaint.Handler handler, TimeProvider time, CancellationToken ct)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > SubmitComplaint.MaxIdempotencyKeyLength)
        {
            return RequestFailure.Invalid("Idempotency-Key 过长", "Idempotency-Key", $"Idempotency-Key 不能超过 {SubmitComplaint.MaxIdempotencyKeyLength} 个字符。").ToProblem();
        }
        if (key.Length > 0 && !IdempotencyKeys.IsRandomEnough(key))
        {
            return RequestFailure.Invalid("Idempotency-Key 不够随机", "Idempotency-Key",
                "Idempotency-Key 至少需要 128 位随机数，例如 UUID v4 或 32 位以上的随机十六进制字符串。").ToProblem();
        }

        var parsed = await ApiBody.ReadSubmissionAsync(http, ct);
        if (!parsed.Succeeded)
        {
            return parsed.Failure!.ToProblem();
        }
        var (submission, files, options) = parsed.Value;
        var registration = StaffRegistration.Read(http, options, time);
        if (!registration.Succeeded)
        {
            return registration.Failure!.ToProblem();
        }
        var (channel, receivedAt) = registration.Value;
        var result = await handler.HandleAsync(
            new SubmitComplaint.Command(submission, files, channel, key.Length == 0 ? null : key, options.SmsAccessCode, receivedAt), ct);
        if (result.Succeeded && receivedAt is not null && !result.Value!.Replayed)
        {
            await StaffRegistration.AuditAsync(http, result.Value, channel, ct);
        }
        if (!result.Succeeded)
        {
            return result.Failure!.ToProblem();
        }
        var ok = result.Value!;
        if (ok.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
        return Results.Created(
            $"/api/v1/complaints/{ok.TrackingNumber}",
            new SubmitComplaintResponse(ok.TrackingNumber, AccessCode.Display(ok.AccessCode), ComplaintStatuses.Codes.CodeOf(ComplaintStatus.Submitted), ok.SubmittedAtUtc));
    }
}
