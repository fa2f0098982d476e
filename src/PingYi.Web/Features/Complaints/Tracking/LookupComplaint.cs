using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>进度查询: what a complainant may see of their case, given the tracking number and the access code.</summary>
public static class LookupComplaint
{
    public sealed record TimelineEntry(DateTime At, string Action, string ActionLabel, string? Note);

    public sealed record View(
        long Id,
        string TrackingNumber,
        ComplaintStatus Status,
        string? UnitCode,
        string UnitName,
        ProblemCategory Category,
        string Title,
        DateTime SubmittedAtUtc,
        IReadOnlyList<TimelineEntry> Timeline,
        string? PublicReply,
        DateTime? RepliedAtUtc,
        Satisfaction? Satisfaction)
    {
        /// <summary>What the complainant wrote: their own words, shown back to them on <c>/track</c>.</summary>
        public string Description { get; init; } = string.Empty;

        /// <summary>The names of the files they attached (with the complaint and with supplements).</summary>
        public IReadOnlyList<string> AttachmentNames { get; init; } = [];

        /// <summary>The complainant's own evidence files with their ids, for the download links on /track.</summary>
        public IReadOnlyList<(string Id, string Name)> OwnFiles { get; init; } = [];

        /// <summary>The name of the unit's signed reply letter (答复函) with the approved response, when it came with one.</summary>
        public string? ReplyLetterName { get; init; }

        /// <summary>The deadline of the current step (accepting, handling), when there is one.</summary>
        public DateTime? DueAtUtc { get; init; }

        /// <summary>Until when a rating can be given (the feedback window), while one is awaited.</summary>
        public DateTime? FeedbackDueAtUtc { get; init; }

        /// <summary>中止: why the case waits, what the complainant is asked for, and when it resumes at the latest; null unless suspended.</summary>
        public SuspensionView? Suspension { get; init; }

        /// <summary>The outcome is approved and not yet rated this round.</summary>
        public bool CanGiveFeedback => Status == ComplaintStatus.AwaitingFeedback && Satisfaction is null;

        /// <summary>Rated 不满意: the supervisors decide whether to reopen.</summary>
        public bool AwaitingSupervisorDecision => Status == ComplaintStatus.AwaitingFeedback && Satisfaction == Domain.Workflow.Satisfaction.Dissatisfied;
    }

    // Verified when the tracking number is unknown, so both failures take the same time.
    private static readonly string DecoyHash = AccessCode.Hash(AccessCode.Generate());

    public sealed class Handler(
        PingYiDbContext db, WorkflowRuntime workflows, Security.AccessCodeThrottle throttle, RateLimits.Options limits,
        IHttpContextAccessor http, IServiceScopeFactory scopes, TimeProvider time, ILogger<Handler> log)
    {
        /// <summary>The complainant's view, or null when the number is unknown or the code is wrong (the caller must not tell which).</summary>
        public async Task<View?> HandleAsync(string? trackingNumber, string? accessCode, CancellationToken ct)
        {
            var id = await AuthenticateAsync(trackingNumber, accessCode, ct);
            if (id is null)
            {
                return null;
            }
            var head = await db.Complaints.AsNoTracking()
                .Where(c => c.Id == id)
                // A case 待确定单位 has no unit yet: its unit is read apart, not joined.
                .Select(c => new
                {
                    c.Id, c.TrackingNumber, c.Status,
                    UnitCode = db.Units.Where(u => u.Id == c.UnitId).Select(u => u.Code).FirstOrDefault(),
                    UnitName = db.Units.Where(u => u.Id == c.UnitId).Select(u => u.Name).FirstOrDefault(),
                    c.Category, c.Title, c.Description, c.SubmittedAtUtc, c.WorkflowId, c.WorkflowVersion, c.PublicReply, c.ApprovedAtUtc, c.Satisfaction, c.DueAtUtc, c.NextTimerAtUtc,
                    c.SuspendedAtUtc, c.SuspensionReason, c.SuspensionExpectation,
                })
                .SingleAsync(ct);
            var events = await db.ComplaintEvents.AsNoTracking()
                // The complainant sees what was said to them and every change of status; internal steps stay internal.
                .Where(e => e.ComplaintId == id && (e.PublicNote != null || e.FromStatus != e.ToStatus))
                .OrderBy(e => e.AtUtc).ThenBy(e => e.Id)
                .Select(e => new { e.AtUtc, e.Action, e.PublicNote })
                .ToListAsync(ct);
            var files = await db.Attachments.AsNoTracking()
                .Where(a => a.ComplaintId == id && a.Purpose == AttachmentPurpose.Evidence)
                .OrderBy(a => a.UploadedAtUtc).ThenBy(a => a.Id)
                .Select(a => new { a.PublicId, a.FileName })
                .ToListAsync(ct);
            var approved = head.Status is ComplaintStatus.AwaitingFeedback or ComplaintStatus.Closed && head.ApprovedAtUtc is not null;
            var letter = approved ? await ApprovedReplyLetter(id.Value).Select(a => a.FileName).FirstOrDefaultAsync(ct) : null;
            return new View(head.Id, head.TrackingNumber, head.Status, head.UnitCode, head.UnitName ?? ComplaintTexts.UnitUndetermined, head.Category, head.Title, head.SubmittedAtUtc,
                events.Select(e => new TimelineEntry(e.AtUtc, e.Action, workflows.ActionLabel(head.WorkflowId, head.WorkflowVersion, e.Action), e.PublicNote)).ToList(),
                // The reply is published once a supervisor approves it; a reopened case is being handled again.
                head.Status is ComplaintStatus.AwaitingFeedback or ComplaintStatus.Closed && head.ApprovedAtUtc is not null ? head.PublicReply : null,
                head.Status is ComplaintStatus.AwaitingFeedback or ComplaintStatus.Closed ? head.ApprovedAtUtc : null,
                head.Status is ComplaintStatus.AwaitingFeedback or ComplaintStatus.Closed ? head.Satisfaction : null)
            {
                Description = head.Description,
                AttachmentNames = files.Select(f => f.FileName).ToList(),
                OwnFiles = files.Select(f => (f.PublicId, f.FileName)).ToList(),
                ReplyLetterName = letter,
                DueAtUtc = head.Status is ComplaintStatus.Submitted or ComplaintStatus.Assigned ? head.DueAtUtc : null,
                // While a rating is awaited the next timer is the end of the feedback window.
                FeedbackDueAtUtc = head.Status == ComplaintStatus.AwaitingFeedback && head.Satisfaction is null ? head.NextTimerAtUtc : null,
                Suspension = head.Status == ComplaintStatus.Suspended
                    ? new SuspensionView(head.SuspensionReason, head.SuspensionExpectation,
                        head.SuspendedAtUtc is { } since && workflows.For(head.WorkflowId, head.WorkflowVersion) is { Deadlines.MaxSuspensionWorkingDays: { } max } w
                            ? w.Calendar.DeadlineUtc(DateTime.SpecifyKind(since, DateTimeKind.Utc), max) : null)
                    : null,
            };
        }

        /// <summary>
        /// The reply letter the complainant may download: the one sent with the latest response, once a supervisor
        /// approved it (a response sent back, or a reopened case, shows none until the next approval).
        /// </summary>
        /// <summary>
        /// One of the complainant's own evidence files, authorised by the case opened with the number and code: the
        /// same cleaned bytes the unit downloads. Null for anything else (another case's file, a letter, a wrong code).
        /// </summary>
        public async Task<ReplyLetterFile?> OwnFileAsync(string? trackingNumber, string? accessCode, string? fileId, CancellationToken ct)
        {
            if (!FileIds.IsWellFormed(fileId) || await AuthenticateAsync(trackingNumber, accessCode, ct) is not { } id)
            {
                return null;
            }
            return await db.Attachments.AsNoTracking()
                .Where(a => a.PublicId == fileId && a.ComplaintId == id && a.Purpose == AttachmentPurpose.Evidence)
                .Select(a => new ReplyLetterFile(a.FileName, a.ContentType, a.Content))
                .FirstOrDefaultAsync(ct);
        }

        public async Task<ReplyLetterFile?> ReplyLetterAsync(string? trackingNumber, string? accessCode, CancellationToken ct)
        {
            if (await AuthenticateAsync(trackingNumber, accessCode, ct) is not { } id)
            {
                return null;
            }
            var approved = await db.Complaints.AsNoTracking()
                .AnyAsync(c => c.Id == id && (c.Status == ComplaintStatus.AwaitingFeedback || c.Status == ComplaintStatus.Closed) && c.ApprovedAtUtc != null, ct);
            if (!approved)
            {
                return null;
            }
            return await ApprovedReplyLetter(id)
                .Select(a => new ReplyLetterFile(a.FileName, a.ContentType, a.Content))
                .FirstOrDefaultAsync(ct);
        }

        private IQueryable<Attachment> ApprovedReplyLetter(long complaintId)
        {
            var latestResponse = db.ComplaintEvents
                .Where(e => e.ComplaintId == complaintId && e.Action == Handling.PerformAction.RespondAction)
                .OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id)
                .Select(e => (long?)e.Id)
                .Take(1);
            return db.Attachments.AsNoTracking()
                .Where(a => a.ComplaintId == complaintId && a.Purpose == AttachmentPurpose.ReplyLetter && latestResponse.Contains(a.EventId))
                .OrderByDescending(a => a.Id);
        }

        /// <summary>
        /// The complaint's id when the tracking number and access code match; null otherwise. The right code always
        /// works unless this client is itself waiting after its own wrong codes (<see cref="Security.AccessCodeThrottle"/>);
        /// a signed-in staff account is refused outright and the attempt is audited.
        /// </summary>
        public async Task<long?> AuthenticateAsync(string? trackingNumber, string? accessCode, CancellationToken ct)
        {
            var valid = TrackingNumber.TryNormalize(trackingNumber, out var number);
            var context = http.HttpContext;
            if (context?.User.IsStaff() == true)
            {
                await AuditStaffAttemptAsync(context, valid ? number : trackingNumber, ct);
                throw new Security.StaffAccessCodeException();
            }
            var client = RateLimits.ClientKey(context?.Connection.RemoteIpAddress);
            if (throttle.RetryAfterSeconds(client) is { } wait)
            {
                if (valid && throttle.ShouldExtend(number))
                {
                    await ExtendFeedbackWindowAsync(number, ct);
                }
                throw new Security.AccessCodeThrottledException(wait);
            }
            var candidate = valid
                ? await db.Complaints.AsNoTracking().Where(c => c.TrackingNumber == number).Select(c => new { c.Id, c.AccessCodeHash }).FirstOrDefaultAsync(ct)
                : null;
            var ok = AccessCode.Verify(accessCode, candidate?.AccessCodeHash ?? DecoyHash) && candidate is not null;
            if (!ok)
            {
                // Unknown numbers count like wrong codes, so the answer never tells whether a number exists.
                var underAttack = throttle.RecordFailure(client, valid ? number : null);
                if (underAttack && candidate is not null && throttle.ShouldExtend(number))
                {
                    await ExtendFeedbackWindowAsync(number, ct);
                }
            }
            return ok ? candidate!.Id : null;
        }

        // Someone failing codes on this case may be keeping the complainant away from it: they keep their time to rate.
        private async Task ExtendFeedbackWindowAsync(string number, CancellationToken ct)
        {
            using var scope = scopes.CreateScope();
            var own = scope.ServiceProvider.GetRequiredService<PingYiDbContext>();
            var complaint = await own.Complaints.FirstOrDefaultAsync(c => c.TrackingNumber == number, ct);
            if (complaint is null)
            {
                return;
            }
            var until = time.GetUtcNow().UtcDateTime + limits.ThrottledFeedbackExtension;
            if (complaint.ExtendFeedbackWindow(workflows.For(complaint), until))
            {
                await own.SaveChangesAsync(ct);
                log.LogWarning("Access-code lookups of complaint {ComplaintId} were throttled; its feedback window now ends at {Until:o}", complaint.Id, until);
            }
        }

        // Staff have their own view of the cases they may see; a staff account trying a complainant's code is
        // probing, so the supervisors get to see it (in its own scope: this request ends in a refusal).
        private async Task AuditStaffAttemptAsync(HttpContext context, string? trackingNumber, CancellationToken ct)
        {
            using var scope = scopes.CreateScope();
            var audit = scope.ServiceProvider.GetRequiredService<Administration.AuditLog>();
            var target = trackingNumber is { Length: > 0 } t ? t[..Math.Min(t.Length, 40)] : "-";
            audit.Record(context.User, Administration.AuditKinds.StaffAccessCode, target, null,
                new { trackingNumber = target, path = context.Request.Path.Value, address = RateLimits.ClientKey(context.Connection.RemoteIpAddress) });
            await scope.ServiceProvider.GetRequiredService<PingYiDbContext>().SaveChangesAsync(ct);
            log.LogWarning("Staff account {UserId} sent an access code for {TrackingNumber}; refused", context.User.UserId(), target);
        }
    }

    public sealed record ReplyLetterFile(string FileName, string ContentType, byte[] Content);

    /// <summary>
    /// The complainant's view in the API: what <c>/track</c> shows them: their own words, the deadline of the current
    /// step, the names of their files, the published reply. Never staff data (internal notes, escalation, ETag).
    /// </summary>
    /// <param name="Deadline">The deadline of the current step (accepting, handling); null in the other states. Named apart
    /// from the staff view's <c>dueAt</c>, whose escalation data the complainant does not get.</param>
    /// <param name="FeedbackDeadline">Until when a rating can be given, while one is awaited.</param>
    /// <param name="Attachments">The complainant's own files (with the complaint and with supplements), by their stored names.</param>
    public sealed record Response(
        string TrackingNumber, string Status, string StatusLabel, UnitRef Unit, string Category, string Title, DateTime SubmittedAt,
        IReadOnlyList<TimelineItem> Timeline, string? Reply, string? Satisfaction, bool CanGiveFeedback, string? ReplyLetter,
        string Description, DateTime? Deadline, DateTime? FeedbackDeadline, IReadOnlyList<AttachmentName> Attachments)
    {
        /// <summary>中止 (workflow v4): present only while the case is suspended.</summary>
        public SuspensionView? Suspension { get; init; }
    }

    public sealed record AttachmentName(string FileName);

    /// <summary>中止 as the complainant reads it: why, what they should supply or do, and the latest it resumes by itself.</summary>
    public sealed record SuspensionView(string? Reason, string? Expected, DateTime? ResumesBy);

    /// <summary><paramref name="Code"/> is null while the case is 待确定单位 (its name says so).</summary>
    public sealed record UnitRef(string? Code, string Name);

    public sealed record TimelineItem(DateTime At, string Action, string ActionLabel, string? Note);

    public static Response ToResponse(View v) => new(
        v.TrackingNumber,
        ComplaintStatuses.Codes.CodeOf(v.Status),
        ComplaintStatuses.DisplayLabel(v.Status, v.Satisfaction),
        new UnitRef(v.UnitCode, v.UnitName),
        ProblemCategories.Codes.CodeOf(v.Category),
        v.Title,
        v.SubmittedAtUtc,
        v.Timeline.Select(t => new TimelineItem(t.At, t.Action, t.ActionLabel, t.Note)).ToList(),
        v.PublicReply,
        v.Satisfaction is { } s ? Satisfactions.Codes.CodeOf(s) : null,
        v.CanGiveFeedback,
        v.ReplyLetterName,
        v.Description,
        v.DueAtUtc,
        v.FeedbackDueAtUtc,
        v.AttachmentNames.Select(n => new AttachmentName(n)).ToList())
    {
        Suspension = v.Suspension,
    };

    public const string AccessCodeHeader = "X-Access-Code";

    public static RequestFailure NotFound() =>
        RequestFailure.NotFound("未找到", "trackingNumber", "未找到该反映，或查询码不正确。");

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/complaints/{trackingNumber}", async (string trackingNumber, HttpContext http, Handler handler, Handling.GetStaffComplaint.Handler staff, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = SecurityHeaders.NoStore;
                var code = http.Request.Headers[AccessCodeHeader].ToString();
                if (code.Length == 0 && http.User.IsStaff())
                {
                    var staffView = await staff.HandleAsync(http.User, trackingNumber, ct);
                    if (!staffView.Succeeded)
                    {
                        return staffView.Failure!.ToProblem();
                    }
                    http.Response.Headers.ETag = staffView.Value!.ETag;
                    return Results.Ok(staffView.Value);
                }
                var view = await handler.HandleAsync(trackingNumber, code, ct);
                return view is null ? NotFound().ToProblem() : Results.Ok(ToResponse(view));
            })
            .WithName("LookupComplaint")
            .WithSummary("进度查询（受理编号 + 查询码）")
            .WithDescription("The complainant sends the access code in the X-Access-Code header; an unknown number and a wrong code both answer 404. Signed-in staff (no X-Access-Code) get the staff view with deadlines, escalation, internal notes and an ETag.")
            .Produces<Response>()
            // One 200, two shapes: the document says which when (oneOf with a description).
            .AddOpenApiOperationTransformer(OpenApiConventions.EitherShape<Response, Handling.GetStaffComplaint.View>(
                "X-Access-Code 正确时为反映人视图（LookupComplaintResponse）；工作人员登录且不带 X-Access-Code 时为办理视图（GetStaffComplaintView，另有 ETag 响应头）。"))
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.Lookup)
            .WithAccessCode();

        api.MapGet("/complaints/{trackingNumber}/reply-letter", async (string trackingNumber, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var file = await handler.ReplyLetterAsync(trackingNumber, http.Request.Headers[AccessCodeHeader], ct);
                if (file is null)
                {
                    // Unknown number, wrong code, not yet approved, no letter: the same answer.
                    return NotFound().ToProblem();
                }
                http.Response.Headers.CacheControl = "private, no-store";
                return Results.File(file.Content, file.ContentType, ReplyLetterDownloadName(trackingNumber, file.FileName));
            })
            .WithName("DownloadReplyLetter")
            .WithSummary("下载单位答复函（受理编号 + 查询码）")
            .WithDescription("The unit's signed reply letter, once a supervisor approved the response it came with. Sent as an attachment; 404 as for a wrong code when there is none.")
            .Produces(StatusCodes.Status200OK)
            .AddOpenApiOperationTransformer(OpenApiConventions.FileDownload(FileInspector.Pdf.ContentType, FileInspector.Docx.ContentType, FileInspector.Jpeg.ContentType))
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.Lookup)
            .WithAccessCode();
    }

    /// <summary>答复函-ZTC-2026-000001.pdf: the case's number in the name, so a saved letter says what it answers.</summary>
    public static string ReplyLetterDownloadName(string trackingNumber, string fileName) =>
        TrackingNumber.TryNormalize(trackingNumber, out var number)
            ? $"{Path.GetFileNameWithoutExtension(fileName)}-{number}{Path.GetExtension(fileName)}"
            : fileName;
}
