using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Complaints.Handling;

/// <summary>
/// A workflow action on a complaint (受理并交办, 办理情况报告, 审核通过 …), by staff or by the complainant.
/// The staff pages, the staff API and the complainant's feedback all go through <see cref="Handler"/>.
/// </summary>
public static class PerformAction
{
    /// <param name="ReplyLetter">The unit's signed reply letter (答复函), only with <c>respond</c>.</param>
    public sealed record Command(string Action, Actor Actor, IReadOnlyDictionary<string, JsonElement> Fields, string? IfMatch, UploadedFile? ReplyLetter = null);

    /// <summary>The action a reply letter may come with, and the multipart field that carries it.</summary>
    public const string RespondAction = "respond";
    public const string ReplyLetterField = "replyLetter";

    /// <summary>A signed letter: a PDF, a Word document or a scan/photo of the paper (JPG), recognised by content.</summary>
    private static readonly FileKind[] ReplyLetterKinds = [FileInspector.Pdf, FileInspector.Docx, FileInspector.Jpeg];

    public sealed class Handler(PingYiDbContext db, WorkflowRuntime workflows, ComplaintAccess access, TimeProvider time, ILogger<Handler> logger,
        Infrastructure.Telemetry.PingYiMetrics metrics, Merging.CaseGroups groups)
    {
        /// <summary>
        /// A staff user's action, from the API or the complaint page: finds the complaint the user may act on
        /// (404/403 as <see cref="ComplaintAccess"/> decides), takes their workflow role on it, and applies it.
        /// </summary>
        /// <summary>The confirmation an irreversible action asks for, in the workflow version the case is pinned to; null when none or no such case.</summary>
        public async Task<string?> ConfirmTextAsync(string trackingNumber, string action, CancellationToken ct)
        {
            if (!TrackingNumber.TryNormalize(trackingNumber, out var number))
            {
                return null;
            }
            var pinned = await db.Complaints.AsNoTracking()
                .Where(c => c.TrackingNumber == number)
                .Select(c => new { c.WorkflowId, c.WorkflowVersion })
                .FirstOrDefaultAsync(ct);
            return pinned is null ? null : workflows.For(pinned.WorkflowId, pinned.WorkflowVersion).Engine.Definition.FindAction(action)?.Confirm;
        }

        /// <summary>A lost race leaves the tracked complaint changed in memory: forget it, so a re-read shows what the database holds.</summary>
        public void Discard() => db.ChangeTracker.Clear();

        public async Task<Result<Complaint>> ForStaffAsync(
            ClaimsPrincipal user, string? trackingNumber, string action, IReadOnlyDictionary<string, JsonElement> fields, string? ifMatch, CancellationToken ct,
            UploadedFile? replyLetter = null)
        {
            var loaded = await access.LoadToActAsync(user, trackingNumber, "action", "您无权处理该反映。", ct);
            if (!loaded.Succeeded)
            {
                return loaded.Failure!;
            }
            var (complaint, role) = loaded.Value;
            return await HandleAsync(complaint, new Command(action, new Actor(user.UserId(), role), fields, ifMatch, replyLetter), ct);
        }

        /// <summary>
        /// Applies the action to the tracked <paramref name="complaint"/> and saves it. The caller has already
        /// checked that the actor may touch this complaint at all (authorization); the workflow decides the rest.
        /// </summary>
        public async Task<Result<Complaint>> HandleAsync(Complaint complaint, Command command, CancellationToken ct)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var workflow = workflows.For(complaint);
            if (WhyNotPermitted(workflow, complaint, command, now) is { } refused)
            {
                return refused;
            }

            var validation = workflow.Engine.ValidateFields(command.Action, command.Fields);
            if (!validation.IsValid)
            {
                return RequestFailure.Invalid(validation.Errors);
            }
            var letter = command.ReplyLetter is { Length: > 0 } upload
                ? await InspectReplyLetterAsync(command.Action, upload, ct)
                : Result<InspectedFile?>.From(null);
            if (!letter.Succeeded)
            {
                return letter.Failure!;
            }
            var unit = await FindTargetUnitAsync(validation.Values.Text("unitCode"), ct);
            if (!unit.Succeeded)
            {
                return unit.Failure!;
            }

            var group = await groups.ResolveAsync(complaint, command.Action, validation.Values, ct);
            if (!group.Succeeded)
            {
                return group.Failure!;
            }

            string? supervisionNumber = null;
            if (command.Action == "supervise")
            {
                supervisionNumber = await SupervisionNumbers.NextAsync(db, ChinaTime.DateOf(now).Year, ct);
            }
            return await ApplyAsync(complaint, workflow, command, validation.Values, unit.Value, letter.Value, (supervisionNumber, group.Value), now, ct);
        }

        /// <summary>
        /// Why this actor may not perform this action on the complaint now (unknown action, role, a stale
        /// If-Match, or the state), or null when they may.
        /// </summary>
        private static RequestFailure? WhyNotPermitted(WorkflowContext workflow, Complaint complaint, Command command, DateTime now)
        {
            var engine = workflow.Engine;
            var definition = engine.Definition.FindAction(command.Action);
            if (definition is null)
            {
                return RequestFailure.NotFound("未知操作", "action", $"没有名为“{command.Action}”的操作。");
            }
            var facts = complaint.Facts(workflow, now);
            if (!definition.Allows(command.Actor.Role))
            {
                // Who may act does not depend on how fresh the caller's copy is: answer 403 before any 412.
                return Refusal(Refuse(engine, complaint, command, facts));
            }
            if (command.IfMatch is { } ifMatch && ifMatch != "*" && ifMatch != GetStaffComplaint.ETagFor(complaint.Version))
            {
                return RequestFailure.PreconditionFailed("内容已变化", "If-Match",
                    "该反映在您打开后已有新的变化（他人办理或期限到期），请刷新后重试。 / The complaint changed since you read it; reload and retry.") with { Code = RequestFailure.Codes.Stale };
            }
            if (!engine.CanFire(complaint.Status, command.Action, command.Actor.Role, facts.Evaluate))
            {
                return Refusal(Refuse(engine, complaint, command, facts));
            }
            return null;
        }

        /// <summary>The active unit a case is handed to (交办/转办) when the action names one; null when it names none.</summary>
        private async Task<Result<UnitRef?>> FindTargetUnitAsync(string? unitCode, CancellationToken ct)
        {
            if (unitCode is null)
            {
                return Result<UnitRef?>.From(null);
            }
            var found = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => new { Ref = new UnitRef(u.Id, u.Name), u.Active }).FirstOrDefaultAsync(ct);
            if (found is null || !found.Active)
            {
                // A retired unit keeps its history but is handed no case.
                var errors = new ValidationErrors();
                errors.Add("unitCode", found is null ? $"找不到单位代码“{unitCode}”。" : $"单位“{unitCode}”已撤销，不能再交办或转办给它。");
                return RequestFailure.Invalid(errors);
            }
            return found.Ref;
        }

        /// <summary>Performs the checked action and saves it (with its reply letter, if any); a lost race is a 409.</summary>
        private async Task<Result<Complaint>> ApplyAsync(
            Complaint complaint, WorkflowContext workflow, Command command, ValidatedFields values, UnitRef? unit, InspectedFile? letter,
            (string? SupervisionNumber, CaseGroupFacts? Group) other, DateTime now, CancellationToken ct)
        {
            try
            {
                // With a letter, the response and its letter are saved together or not at all.
                await using var tx = letter is null ? null : await db.Database.BeginTransactionAsync(ct);
                var done = complaint.Perform(workflow, command.Action, command.Actor, values, unit, now, other.SupervisionNumber, other.Group);
                // 并案/关联: the other cases of the group change in the same save (their versions guard it).
                await groups.FollowAsync(complaint, command.Action, command.Actor, values, other.Group, now, ct);
                await db.SaveChangesAsync(ct);
                if (letter is not null)
                {
                    db.Attachments.Add(Attachment.ReplyLetter(complaint.Id, done.Id, letter, now));
                    await db.SaveChangesAsync(ct);
                    await tx!.CommitAsync(ct);
                }
                metrics.ActionPerformed(command.Action);
            }
            catch (WorkflowActionException e)
            {
                return Refusal(e);
            }
            catch (Exception e) when (e is DbUpdateConcurrencyException || (e is DbUpdateException u && HandlingRecordConflict.Is(u)))
            {
                logger.LogInformation("Concurrent change to {TrackingNumber}: {Action} lost the race.", complaint.TrackingNumber, command.Action);
                return RequestFailure.Conflict("操作冲突", "action",
                    "该反映刚刚已被他人处理，本次操作未生效，请刷新后重试。 / Another action changed this complaint first; nothing was applied.") with { Code = RequestFailure.Codes.Stale };
            }
            return complaint;
        }

        /// <summary>
        /// The evidence pipeline (size, content check, metadata stripped) for the unit's reply letter, narrowed to
        /// the kinds a signed letter comes in. Only <c>respond</c> carries one.
        /// </summary>
        private static async Task<Result<InspectedFile?>> InspectReplyLetterAsync(string action, UploadedFile upload, CancellationToken ct)
        {
            if (action != RespondAction)
            {
                return RequestFailure.Invalid("不能附答复函", ReplyLetterField, "只有“办理情况报告”可以附答复函。");
            }
            var recognised = await AttachmentUploads.InspectAsync([upload], 1, ct);
            if (!recognised.Succeeded)
            {
                var failure = recognised.Failure!;
                return failure with { Errors = new Dictionary<string, string[]> { [ReplyLetterField] = failure.Errors.SelectMany(e => e.Value).ToArray() } };
            }
            var file = recognised.Value![0];
            if (!ReplyLetterKinds.Contains(file.Kind))
            {
                return RequestFailure.UnsupportedMediaType("答复函类型不支持", ReplyLetterField,
                    "答复函应为 PDF、DOCX 或 JPG 文件（按文件内容识别）。");
            }
            return file;
        }

        /// <summary>Lets the engine say why an action is not permitted (role or state), changing nothing.</summary>
        private static WorkflowActionException Refuse(WorkflowEngine engine, Complaint complaint, Command command, WorkflowFacts facts)
        {
            try
            {
                engine.Fire(complaint.Status, command.Action, command.Actor.Role, facts.Evaluate);
            }
            catch (WorkflowActionException e)
            {
                return e;
            }
            throw new InvalidOperationException($"The engine permitted '{command.Action}' after refusing it.");
        }

        private static RequestFailure Refusal(WorkflowActionException e) => e.Refusal switch
        {
            WorkflowRefusal.UnknownAction => RequestFailure.NotFound("未知操作", "action", e.ChineseMessage),
            WorkflowRefusal.RoleNotAllowed => RequestFailure.Forbidden("无权操作", "action", e.ChineseMessage),
            _ => RequestFailure.Conflict("当前状态不允许该操作", "action", e.ChineseMessage),
        };
    }

    /// <summary>Reads a JSON object body into field values; an empty body means no fields.</summary>
    public static async Task<Result<IReadOnlyDictionary<string, JsonElement>>> ReadFieldsAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength == 0 || (http.Request.ContentLength is null && string.IsNullOrEmpty(http.Request.ContentType)))
        {
            return Result<IReadOnlyDictionary<string, JsonElement>>.From(new Dictionary<string, JsonElement>());
        }
        // A body that is not a JSON object fails here with a 400 naming the position.
        var body = await ApiBody.ReadJsonAsync<Dictionary<string, JsonElement>>(http, 64 * 1024, ct);
        return body.Succeeded ? Result<IReadOnlyDictionary<string, JsonElement>>.From(body.Value!) : body.Failure!;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var staff = api.MapGroup("/complaints/{trackingNumber}").RequireAuthorization();

        staff.MapPost("/actions/{action}", async (string trackingNumber, string action, HttpContext http, Handler handler, GetStaffComplaint.Handler view, CancellationToken ct) =>
            {
                UploadedFile? letter = null;
                Result<IReadOnlyDictionary<string, JsonElement>> fields;
                if (ApiBody.IsMultipart(http.Request))
                {
                    // respond with its signed letter: the fields as form values, the file as replyLetter.
                    var form = await ApiBody.ReadFormAsync(http, Attachment.MaxBytes + 256 * 1024, ct);
                    if (!form.Succeeded)
                    {
                        return form.Failure!.ToProblem();
                    }
                    fields = Result<IReadOnlyDictionary<string, JsonElement>>.From(form.Value!
                        .Where(f => !string.IsNullOrWhiteSpace(f.Value.ToString()))
                        .ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value.ToString()), StringComparer.Ordinal));
                    letter = form.Value!.Files.GetFile(ReplyLetterField) is { } file ? UploadedFile.From(file) : null;
                }
                else
                {
                    fields = await ReadFieldsAsync(http, ct);
                }
                if (!fields.Succeeded)
                {
                    return fields.Failure!.ToProblem();
                }
                var ifMatch = http.Request.Headers.IfMatch.ToString();
                var result = await handler.ForStaffAsync(http.User, trackingNumber, action, fields.Value!, ifMatch.Length == 0 ? null : ifMatch, ct, letter);
                if (!result.Succeeded)
                {
                    return result.Failure!.ToProblem();
                }
                var updated = await view.BuildAsync(http.User, result.Value!, ct);
                http.Response.Headers.ETag = updated.ETag;
                return Results.Ok(updated);
            })
            .WithName("PerformAction")
            .WithSummary("对反映执行办理操作（受理、交办、报告、审核等）")
            .WithDescription("Send the action's fields as a JSON object. If-Match with the ETag of GET makes a stale action fail with 412. respond may instead be multipart/form-data (bearer clients): the fields as form values and the signed reply letter (PDF, DOCX or JPG, up to 10 MB, checked by content) as replyLetter; the complainant can download it once a supervisor approves.")
            .Accepts<Dictionary<string, JsonElement>>("application/json", "multipart/form-data")
            .AddOpenApiOperationTransformer(OpenApiConventions.ActionForm)
            .Produces<GetStaffComplaint.View>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

        staff.MapGet("/actions", async (string trackingNumber, HttpContext http, GetStaffComplaint.Handler view, CancellationToken ct) =>
            {
                return (await view.HandleAsync(http.User, trackingNumber, ct)).ToHttp(v => Results.Ok(v.Actions));
            })
            .WithName("ListPermittedActions")
            .WithSummary("当前用户现在可执行的操作")
            .Produces<IReadOnlyList<GetStaffComplaint.AvailableAction>>();
    }
}
