using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Calendar;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>A complaint as staff see it: deadlines, escalation, the full timeline with internal notes. Never the complainant's identity.</summary>
public static class GetStaffComplaint
{
    /// <summary>The case's unit; <paramref name="Code"/> null and the name 待确定单位 while it has none.</summary>
    public sealed record UnitInfo(string? Code, string Name);

    public sealed record ResponseInfo(string? Findings, string? Measures, string? PublicReply, DateTime? RespondedAt, bool Late);

    /// <summary><paramref name="OriginalFileName"/> is the complainant's own name for the file: null for those who may not see the complainant.</summary>
    /// <param name="Purpose">evidence (the complainant's) or reply-letter (the unit's signed 答复函, attached to its response).</param>
    public sealed record AttachmentInfo(string Id, string FileName, string? OriginalFileName, string ContentType, long Size, DateTime UploadedAt, string Purpose = "evidence");

    /// <summary><paramref name="DayOnly"/>: <paramref name="At"/> is the start of the day (China time), not the time of the act.</summary>
    public sealed record TimelineItem(
        DateTime At, bool DayOnly, string Action, string ActionLabel, string ActorRole, string? ActorName,
        string? From, string? To, string? Note, string? InternalNote, string? Data);

    /// <summary>A 督办 notice on the case; <c>Overdue</c> while unanswered past its reply deadline.</summary>
    /// <param name="EscalationLevel">The level (1 overdue … 3) its reply deadline reached and was notified; 0 before it.</param>
    /// <param name="WithdrawnAt">When it was withdrawn because the case left the unit it was issued to (transfer, return).</param>
    /// <param name="PausedAt">中止: since when its reply deadline stands still with the case's (the resume moves it on).</param>
    public sealed record SupervisionInfo(string Number, string Reason, DateTime IssuedAt, DateTime DueAt, int WorkingDays, bool Open, bool Overdue, DateTime? AnsweredAt, string? Answer,
        int EscalationLevel = 0, DateTime? WithdrawnAt = null, DateTime? PausedAt = null);

    /// <param name="Confirm">For an action that cannot be undone, what the user confirms before sending it (from the definition).</param>
    public sealed record AvailableAction(string Action, string Label, IReadOnlyList<ActionField> Fields, string? Confirm = null);

    /// <param name="ValueLabels">What each score of a rating means (from the definition), keyed "1"…"5".</param>
    public sealed record ActionField(string Name, string Label, string Type, bool Required, int? MaxLength, int? Min, int? Max, IReadOnlyDictionary<string, string>? ValueLabels = null);

    public sealed record View(
        string TrackingNumber,
        string Status,
        string StatusLabel,
        UnitInfo Unit,
        string Category,
        string CategoryLabel,
        string Title,
        string Description,
        DateOnly? OccurredOn,
        string? Location,
        /// <summary>Null for those who may not see the complainant: even whether a case is named stays with the supervisors.</summary>
        bool? Anonymous,
        /// <summary>
        /// web, api, or phone/letter/visit (staff-registered): for those who may see the complainant (supervisors); null
        /// for a unit, whose view of a registered complaint reads exactly like a web complaint's.
        /// </summary>
        string? Channel,
        /// <summary>To the day (00:00 China time) for those who get no exact times of the complainant's acts; see <see cref="ComplainantTimesAreDays"/>.</summary>
        DateTime SubmittedAt,
        bool ComplainantTimesAreDays,
        DateTime? DueAt,
        bool Overdue,
        int EscalationLevel,
        string? PendingRequest,
        int? PendingExtensionDays,
        ResponseInfo? Response,
        int? QualityRating,
        string? Satisfaction,
        int ReworkCount,
        int ReopenCount,
        int TransferCount,
        string Workflow,
        int Version,
        IReadOnlyList<AttachmentInfo> Attachments,
        IReadOnlyList<TimelineItem> Timeline,
        IReadOnlyList<AvailableAction> Actions,
        /// <summary>The escalation level the sweep has reached and notified for the current deadline (stored).</summary>
        int EscalationLevelNotified,
        DateTime? NextTimerAt,
        IReadOnlyList<SupervisionInfo> Supervisions,
        /// <summary>Supervisors only: the contact details masked (王*兰, 139****5678); in full only through POST …/complainant with a reason.</summary>
        ViewComplainant.View? MaskedComplainant = null)
    {
        public string ETag => ETagFor(Version);

        /// <summary>签收 of the current handling round (workflow v3 on); null when no signing deadline runs.</summary>
        public SignInfo? Signing { get; init; }

        /// <summary>The unit's handler who holds the case inside the unit (the unit's desk); null: 本单位未分配.</summary>
        public AssignHandler.HandlerInfo? Handler { get; init; }

        /// <summary>并案 and 关联 as the caller may see them (<see cref="Merging.CaseGroupView"/>); null when the case is in no group.</summary>
        public Merging.CaseGroupView.Info? Group { get; init; }
    }

    /// <summary>The signing deadline, when the unit signed (or answered, which signs), and whether that was late or the deadline passed unsigned.</summary>
    public sealed record SignInfo(DateTime DueAt, DateTime? SignedAt, bool Late);

    public static string ETagFor(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public sealed class Handler(PingYiDbContext db, ComplaintAccess access, WorkflowRuntime workflows, TimeProvider time, ViewComplainant.Handler complainants, ComplaintSeenLog seen,
        IConfiguration configuration)
    {
        /// <summary>The staff view of a case; reading it counts as having looked at it (clears the list's 新补充 flag for this user).</summary>
        public async Task<Result<View>> HandleAsync(ClaimsPrincipal user, string? trackingNumber, CancellationToken ct)
        {
            var loaded = await access.LoadAsync(user, trackingNumber, ComplaintOperations.View, track: false, ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            await seen.MarkAsync(user, loaded.Value!.Id, ct);
            return await BuildAsync(user, loaded.Value!, ct);
        }

        public async Task<View> BuildAsync(ClaimsPrincipal user, Complaint c, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var workflow = workflows.For(c);
            var unit = c.UnitId is null
                ? new UnitInfo(null, ComplaintTexts.UnitUndetermined)
                : await db.Units.AsNoTracking().Where(u => u.Id == c.UnitId).Select(u => new UnitInfo(u.Code, u.Name)).SingleAsync(ct);
            var events = await db.ComplaintEvents.AsNoTracking().Where(e => e.ComplaintId == c.Id)
                .OrderBy(e => e.AtUtc).ThenBy(e => e.Id).ToListAsync(ct);
            var actorIds = events.Select(e => e.ActorId).OfType<string>().Distinct().ToList();
            var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            var role = user.WorkflowRoleFor(c.UnitId);
            var seesComplainant = await access.AllowedAsync(user, c, ComplaintOperations.ViewContact);
            var exact = ComplainantTimes.Exact(user);
            // Supplements (and the files they brought) reach a unit in batches, not as they come in.
            var releasedUntil = ComplainantTimes.ReleasedUntil(configuration, user, now);
            var attachments = await AttachmentsAsync(c, seesComplainant, exact, releasedUntil, ct);
            if (!seesComplainant)
            {
                events = events.Where(e => e.Action != ComplaintActions.ViewContact).ToList();
            }
            events = events.Where(e => e.Action != ComplaintActions.Supplement || e.AtUtc <= releasedUntil).ToList();
            var actions = role is null ? [] : Actions(c, workflow, role, now);

            return new View(
                c.TrackingNumber,
                ComplaintStatuses.Codes.CodeOf(c.Status),
                ComplaintStatuses.DisplayLabel(c.Status, c.Satisfaction),
                unit,
                ProblemCategories.Codes.CodeOf(c.Category),
                ProblemCategories.Codes.LabelOf(c.Category),
                c.Title,
                c.Description,
                c.OccurredOn,
                c.Location,
                seesComplainant ? c.Anonymous : null,
                seesComplainant ? ComplaintChannels.Codes.CodeOf(c.Channel) : null,
                ComplainantTimes.For(exact, c.SubmittedAtUtc),
                !exact,
                c.DueAtUtc,
                c.IsOverdue(now),
                c.EscalationLevel(workflow, now),
                c.PendingRequest switch { PendingRequest.Return => "return", PendingRequest.Extension => "extension", PendingRequest.Suspension => "suspension", _ => null },
                c.PendingExtensionDays,
                c.RespondedAtUtc is null ? null : new ResponseInfo(c.ResponseFindings, c.ResponseMeasures, c.PublicReply, c.RespondedAtUtc, c.RespondedLate),
                c.QualityRating,
                c.Satisfaction is { } s ? Satisfactions.Codes.CodeOf(s) : null,
                c.ReworkCount,
                c.ReopenCount,
                c.TransferCount,
                $"{c.WorkflowId} v{c.WorkflowVersion}",
                c.Version,
                attachments,
                Timeline(c, events, actors, exact),
                actions,
                c.EscalationLevelNotified,
                c.NextTimerAtUtc,
                c.SupervisionNotices.OrderBy(n => n.IssuedAtUtc).Select(n => new SupervisionInfo(
                    n.Number, n.Reason, n.IssuedAtUtc, n.DueAtUtc, n.WorkingDays, n.IsOpen, n.IsOverdue(now), n.AnsweredAtUtc, n.Answer, n.EscalationLevelNotified, n.WithdrawnAtUtc, n.PausedAtUtc)).ToList(),
                seesComplainant ? await complainants.MaskedAsync(c, ct) : null)
            {
                Signing = c.SignDueAtUtc is { } signBy
                    ? new SignInfo(signBy, c.SignedAtUtc, Deadlines.Late(c.SignedAtUtc ?? now, signBy))
                    : null,
                Handler = c.HandlerId is null ? null
                    : await db.Users.AsNoTracking().Where(u => u.Id == c.HandlerId).Select(u => new AssignHandler.HandlerInfo(u.Id, u.DisplayName)).FirstOrDefaultAsync(ct),
                Group = await Merging.CaseGroupView.BuildAsync(db, user, c, ct),
            };
        }

        private async Task<List<AttachmentInfo>> AttachmentsAsync(Complaint c, bool seesComplainant, bool exact, DateTime releasedUntil, CancellationToken ct)
        {
            var submittedAt = c.SubmittedAtUtc;
            return (await db.Attachments.AsNoTracking().Where(a => a.ComplaintId == c.Id)
                .Where(a => a.Purpose != AttachmentPurpose.Evidence || a.UploadedAtUtc <= submittedAt || a.UploadedAtUtc <= releasedUntil).OrderBy(a => a.Id)
                .Select(a => new AttachmentInfo(a.PublicId, a.FileName, seesComplainant ? a.OriginalFileName : null, a.ContentType, a.SizeBytes, a.UploadedAtUtc,
                    a.Purpose == AttachmentPurpose.ReplyLetter ? "reply-letter" : "evidence")).ToListAsync(ct))
                // Only the complainant's uploads are their acts (day-only for a handler); the unit's letter keeps its time.
                .Select(a => a.Purpose == "evidence" ? a with { UploadedAt = ComplainantTimes.For(exact, a.UploadedAt) } : a).ToList();
        }

        private static List<AvailableAction> Actions(Complaint c, WorkflowContext workflow, string role, DateTime now) =>
            c.PermittedActions(workflow, role, now)
                .Select(a => new AvailableAction(a.Code, a.Label, a.Fields.Select(f => new ActionField(
                    f.Name, f.Label, FieldTypeCode(f.Type), f.Required, f.MaxLength, f.Min,
                    f.Type == FieldType.WorkingDays ? f.Max ?? workflow.Deadlines.MaxExtensionWorkingDays : f.Max,
                    f.ValueLabels.Count == 0 ? null : f.ValueLabels.ToDictionary(l => l.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), l => l.Value))).ToList(),
                    a.Confirm))
                .ToList();

        /// <summary>The timeline; a complainant's own acts are day-only for a user who may not see their exact times.</summary>
        private List<TimelineItem> Timeline(Complaint c, IEnumerable<ComplaintEvent> events, Dictionary<string, string> actors, bool exact) =>
            events.Select(e => new TimelineItem(
                exact || !ComplainantTimes.IsComplainantAct(e) ? e.AtUtc : ComplainantTimes.ToDay(e.AtUtc),
                !exact && ComplainantTimes.IsComplainantAct(e), e.Action, workflows.ActionLabel(c.WorkflowId, c.WorkflowVersion, e.Action), e.ActorRole,
                e.ActorId is null ? null : actors.GetValueOrDefault(e.ActorId),
                e.FromStatus is { } f ? ComplaintStatuses.Codes.CodeOf(f) : null,
                e.ToStatus is { } t ? ComplaintStatuses.Codes.CodeOf(t) : null,
                e.PublicNote, e.InternalNote, e.Data)).ToList();
    }

    public static string FieldTypeCode(FieldType type) => type switch
    {
        FieldType.UnitCode => "unitCode",
        FieldType.WorkingDays => "workingDays",
        FieldType.Rating => "rating",
        FieldType.Satisfaction => "satisfaction",
        FieldType.Resolution => "resolution",
        FieldType.TrackingNumber => "trackingNumber",
        FieldType.Boolean => "boolean",
        _ => "text",
    };
}
