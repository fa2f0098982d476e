using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Data.Outbox;
using PingYi.Data.Recovery;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Administration;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>
/// 找回查询码: a named complainant who lost the access code gives the tracking number and the mobile number or e-mail
/// address they left; a one-time code goes to that contact through the outbox (never shown), and entering it issues a
/// new access code — the old one stops working. The request's answer is the same whether or not the contact matched
/// (an anonymous case has none to match); every request counts against limits per number, per contact and per client
/// address; wrong codes count like wrong access codes (<see cref="Security.AccessCodeThrottle"/>). Both steps are in
/// the audit log for supervisors.
/// </summary>
public static class RecoverAccessCode
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Wrong codes a request takes before it is dead (a new request is needed).</summary>
    public const int MaxTries = 5;

    public const int PerNumberPerHour = 3;
    public const int PerContactPerDay = 6;
    public const int PerClientPerHour = 10;

    public const int ContactMax = 254;

    public sealed record RequestBody(string? Contact);

    public sealed record ConfirmBody(string? Contact, string? Code);

    public sealed record Confirmed(string AccessCode);

    public static RequestFailure WrongCode() =>
        RequestFailure.Invalid("验证码不正确或已失效", "code", "验证码不正确、已使用或已过期（15 分钟内有效）。请重新获取验证码。");

    public sealed class Handler(PingYiDbContext db, TimeProvider time, SmsTemplates sms, MailTemplates mails, MailSettings mail, AuditLog audit,
        Security.AccessCodeThrottle throttle)
    {
        /// <summary>Succeeds (the same way) whether or not anything was sent; fails only on a malformed contact or a limit.</summary>
        public async Task<Result<bool>> RequestAsync(string? trackingNumber, string? contact, string clientKey, CancellationToken ct)
        {
            if (Normalize(contact) is not { } normalized)
            {
                return RequestFailure.Invalid("请填写联系方式", "contact", "请填写反映时留下的手机号码或电子邮箱。");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var contactHash = OutboxMessage.HashOf(normalized);
            var complaint = TrackingNumber.TryNormalize(trackingNumber, out var number)
                ? await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number).Select(c => new { c.Id, c.Anonymous, c.TrackingNumber }).FirstOrDefaultAsync(ct)
                : null;
            if (await OverLimitAsync(complaint?.Id, contactHash, clientKey, now, ct) is { } limited)
            {
                return limited;
            }
            if (complaint is null)
            {
                // Nothing to record a request against; the client's own count still grows through the throttle.
                throttle.RecordFailure(clientKey, null);
                return true;
            }
            var stored = complaint.Anonymous ? null : await db.ComplainantContacts.AsNoTracking()
                .Where(c => c.ComplaintId == complaint.Id).Select(c => new { c.Phone, c.Email }).FirstOrDefaultAsync(ct);
            var mobile = SmsNotices.Mobile(stored?.Phone);
            var email = stored?.Email?.Trim().ToLowerInvariant();
            var matched = normalized == mobile || (email is { Length: > 0 } && normalized == email);
            var request = new AccessCodeRecovery
            {
                ComplaintId = complaint.Id, ContactHash = contactHash, ClientKey = clientKey, CreatedAtUtc = now, ExpiresAtUtc = now + CodeLifetime,
            };
            if (matched)
            {
                // A new code supersedes any earlier one still outstanding.
                await db.AccessCodeRecoveries.Where(r => r.ComplaintId == complaint.Id && r.UsedAtUtc == null && r.CodeHash != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAtUtc, now), ct);
                var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                request.CodeHash = AccessCode.Hash(code);
                db.OutboxMessages.Add(normalized == mobile ? Sms(complaint.Id, complaint.TrackingNumber, mobile!, code, now) : Mail(complaint.Id, complaint.TrackingNumber, email!, code, now));
            }
            db.AccessCodeRecoveries.Add(request);
            audit.Record(AuditKinds.AccessCodeRecoveryRequested, "complaint:" + complaint.TrackingNumber, null,
                new { sent = matched ? (normalized == mobile ? "sms" : "mail") : "none", address = clientKey });
            await db.SaveChangesAsync(ct);
            return true;
        }

        /// <summary>A new access code (raw, to be shown once), or why not.</summary>
        public async Task<Result<string>> ConfirmAsync(string? trackingNumber, string? contact, string? code, string clientKey, CancellationToken ct)
        {
            if (throttle.RetryAfterSeconds(clientKey) is { } wait)
            {
                throw new Security.AccessCodeThrottledException(wait);
            }
            var now = time.GetUtcNow().UtcDateTime;
            var normalized = Normalize(contact);
            var valid = TrackingNumber.TryNormalize(trackingNumber, out var number);
            var complaint = valid && normalized is not null
                ? await db.Complaints.Where(c => c.TrackingNumber == number).FirstOrDefaultAsync(ct)
                : null;
            var contactHash = normalized is null ? "" : OutboxMessage.HashOf(normalized);
            var request = complaint is null ? null : await db.AccessCodeRecoveries
                .Where(r => r.ComplaintId == complaint.Id && r.ContactHash == contactHash && r.CodeHash != null && r.UsedAtUtc == null && r.ExpiresAtUtc > now)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
            if (request is null || request.FailedAttempts >= MaxTries || digits.Length != 6 || !AccessCode.Verify(digits, request.CodeHash))
            {
                throttle.RecordFailure(clientKey, valid ? number : null);
                if (request is not null)
                {
                    request.FailedAttempts++;
                    await db.SaveChangesAsync(ct);
                }
                return WrongCode();
            }
            var accessCode = AccessCode.Generate();
            complaint!.ReissueAccessCode(AccessCode.Hash(accessCode), now);
            request.UsedAtUtc = now;
            // An intake retried with its idempotency key must not hand out the old code again.
            await db.IdempotencyRecords.Where(r => r.ComplaintId == complaint.Id).ExecuteDeleteAsync(ct);
            audit.Record(AuditKinds.AccessCodeRecovered, "complaint:" + complaint.TrackingNumber, null, new { address = clientKey });
            await db.SaveChangesAsync(ct);
            return accessCode;
        }

        private async Task<RequestFailure?> OverLimitAsync(long? complaintId, string contactHash, string clientKey, DateTime now, CancellationToken ct)
        {
            var hourAgo = now.AddHours(-1);
            var dayAgo = now.AddDays(-1);
            var perClient = await db.AccessCodeRecoveries.CountAsync(r => r.ClientKey == clientKey && r.CreatedAtUtc > hourAgo, ct);
            var perContact = await db.AccessCodeRecoveries.CountAsync(r => r.ContactHash == contactHash && r.CreatedAtUtc > dayAgo, ct);
            var perNumber = complaintId is { } id ? await db.AccessCodeRecoveries.CountAsync(r => r.ComplaintId == id && r.CreatedAtUtc > hourAgo, ct) : 0;
            return perClient >= PerClientPerHour || perContact >= PerContactPerDay || perNumber >= PerNumberPerHour
                ? RequestFailure.Field(FailureKind.TooManyRequests, "请求过于频繁", "contact", "找回查询码的请求过于频繁，请稍后再试（每个反映每小时最多 3 次）。")
                : null;
        }

        private OutboxMessage Sms(long complaintId, string number, string mobile, string code, DateTime now) =>
            SmsNotices.Row(mail, SmsTemplates.RecoveryCode, complaintId, mobile,
                sms.Render(SmsTemplates.RecoveryCode, new SmsModel { TrackingNumber = number, Code = code, Minutes = (int)CodeLifetime.TotalMinutes, Link = mail.Link("/track/recover") }),
                now, now, toComplainant: true);

        private OutboxMessage Mail(long complaintId, string number, string email, string code, DateTime now) =>
            NoticeWriter.NewMessage(mail, MailTemplates.RecoveryCode, complaintId, email,
                mails.Render(MailTemplates.RecoveryCode, new MailModel { TrackingNumber = number, Note = code, Level = (int)CodeLifetime.TotalMinutes, Link = mail.Link("/track/recover") }),
                now, now, toComplainant: true);
    }

    /// <summary>A mobile number as 11 digits, an e-mail address in lower case, or null for anything else.</summary>
    public static string? Normalize(string? contact)
    {
        // Measured as sent, before trimming, so that nothing longer than the documented maximum is accepted.
        if (contact is not { Length: > 0 and <= ContactMax })
        {
            return null;
        }
        var text = contact.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        if (text.Contains('@'))
        {
            return System.Net.Mail.MailAddress.TryCreate(text, out var address) ? address.Address.ToLowerInvariant() : null;
        }
        return SmsNotices.Mobile(text);
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/complaints/{trackingNumber}/recovery", async (string trackingNumber, RequestBody? body, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var result = await handler.RequestAsync(trackingNumber, body?.Contact, RateLimits.ClientKey(http.Connection.RemoteIpAddress), ct);
                return result.Succeeded
                    ? Results.Accepted(value: new { message = Accepted })
                    : result.Failure!.ToProblem();
            })
            .WithName("RequestAccessCodeRecovery")
            .WithSummary("找回查询码：发送一次性验证码（反映人）")
            .WithDescription("Body: { \"contact\": mobile number or e-mail address given at intake }. Always 202 with the same answer, whether or not the contact matched; "
                             + "a one-time code (6 digits, 15 minutes, one use) goes to the contact by SMS or mail when it did. 429 past the limits.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Lookup);
        api.MapPost("/complaints/{trackingNumber}/recovery/confirm", async (string trackingNumber, ConfirmBody? body, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var result = await handler.ConfirmAsync(trackingNumber, body?.Contact, body?.Code, RateLimits.ClientKey(http.Connection.RemoteIpAddress), ct);
                return result.Succeeded
                    ? Results.Ok(new Confirmed(AccessCode.Display(result.Value!)))
                    : result.Failure!.ToProblem();
            })
            .WithName("ConfirmAccessCodeRecovery")
            .WithSummary("找回查询码：凭验证码设置新查询码（反映人）")
            .WithDescription("Body: { \"contact\", \"code\" }. Answers { \"accessCode\" } (shown once); the old access code stops working.")
            .Produces<Confirmed>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Lookup);
    }

    /// <summary>The one answer to every well-formed request.</summary>
    public const string Accepted = "如果联系方式与反映时留下的一致，验证码已发送，15 分钟内有效。匿名反映无法找回查询码。";
}
