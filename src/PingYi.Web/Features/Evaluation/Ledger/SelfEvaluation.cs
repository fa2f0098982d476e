using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Complaints;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ledger;

/// <summary>
/// 单位自评: a unit's handlers upload the implementation plan and the self-evaluation report (PDF or Word,
/// recognised by content, at most <see cref="MaxBytes"/>); supervisors see who is late or missing; and
/// <see cref="Reminders"/> says which reminders are due today for whom.
/// </summary>
public static class SelfEvaluation
{
    public const long MaxBytes = 20 * 1024 * 1024;
    public const string FileField = "file";

    public static bool IsLate(EvaluationRoundDefinition round, string milestone, DateTime uploadedAtUtc) =>
        round.FindMilestone(milestone) is { } m && SelfEvaluationSchedule.IsLate(m, ChinaTime.DateOf(uploadedAtUtc));

    public sealed record Uploaded(string Id, string Milestone, string FileName, DateTime UploadedAt, bool Late);

    /// <summary>Where a unit stands on one milestone: filed (on time or late) or missing, and overdue when missing past the due date.</summary>
    public sealed record MilestoneStatus(string Milestone, string Label, DateOnly Due, DateTime? FiledAt, bool Late, bool Missing, bool Overdue);

    public sealed record UnitStatus(string UnitCode, string UnitName, IReadOnlyList<MilestoneStatus> Milestones);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, TimeProvider time)
    {
        public async Task<Result<Uploaded>> UploadAsync(int year, string milestone, UploadedFile? upload, ClaimsPrincipal user, CancellationToken ct)
        {
            var unitId = user.UnitId();
            if (unitId is null || !(await authorization.AuthorizeAsync(user, new UnitTarget(unitId.Value), SelfEvaluationDocumentRequirement.Upload)).Succeeded)
            {
                return RequestFailure.Forbidden("无权上传", "$", "只有参评单位的承办人可以上传本单位的自评材料。");
            }
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var m = definition.FindMilestone(milestone);
            if (m is null)
            {
                return RequestFailure.NotFound("材料类型不存在", "milestone",
                    $"材料类型只能是：{string.Join("、", definition.Milestones.Select(x => $"{x.Code}（{x.Label}）"))}。");
            }
            if (upload is null || upload.Length == 0)
            {
                return RequestFailure.Invalid("请选择文件", FileField, $"请上传{m.Label}（PDF 或 Word 文件）。");
            }
            if (upload.Length > MaxBytes)
            {
                return RequestFailure.TooLarge("文件过大", FileField, $"{m.Label}不能超过 {MaxBytes / 1024 / 1024} MB。");
            }
            var content = await upload.ReadAsync(ct);
            var kind = FileInspector.Recognise(content);
            if (kind != FileInspector.Pdf && kind != FileInspector.Docx)
            {
                return RequestFailure.UnsupportedMediaType("文件类型不支持", FileField, $"{m.Label}应为 PDF 或 Word（.docx）文件（按文件内容识别）。");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var file = new EvaluationFile(round.Id, EvaluationFileOwner.SelfEvaluationDocument, null, unitId, m.Code,
                new InspectedFile(FileInspector.SafeFileName(upload.FileName, kind), kind, content), user.UserId()!, now);
            db.EvaluationFiles.Add(file);
            await db.SaveChangesAsync(ct);
            return new Uploaded(file.PublicId, m.Code, file.FileName, now, IsLate(definition, m.Code, now));
        }

        /// <summary>Every active unit's filing status (supervisors), late or missing ones first.</summary>
        public async Task<Result<IReadOnlyList<UnitStatus>>> StatusAsync(int year, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!user.IsSupervisor())
            {
                return RequestFailure.Forbidden("无权查看", "$", "只有纪检监察工委可以查看各单位自评材料报送情况。");
            }
            var found = await rounds.FindAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var today = ChinaTime.Today(time);
            var firsts = await db.EvaluationFiles.AsNoTracking()
                .Where(f => f.RoundId == round.Id && f.Owner == EvaluationFileOwner.SelfEvaluationDocument)
                .GroupBy(f => new { f.UnitId, f.Milestone })
                .Select(g => new { g.Key.UnitId, g.Key.Milestone, First = g.Min(f => f.UploadedAtUtc) })
                .ToListAsync(ct);
            var units = await db.Units.AsNoTracking().Where(u => u.Active).Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
            var result = units.Select(u => new UnitStatus(u.Code, u.Name, definition.Milestones.Select(m =>
                {
                    var filed = firsts.FirstOrDefault(f => f.UnitId == u.Id && f.Milestone == m.Code)?.First;
                    return new MilestoneStatus(m.Code, m.Label, m.Due, filed,
                        filed is { } at && SelfEvaluationSchedule.IsLate(m, ChinaTime.DateOf(at)),
                        filed is null, filed is null && today > m.Due);
                }).ToList()))
                .OrderByDescending(u => u.Milestones.Count(m => m.Overdue || m.Late))
                .ThenBy(u => u.UnitCode, StringComparer.Ordinal)
                .ToList();
            return result;
        }
    }

    /// <summary>A reminder to send today: which unit, which document, and to whom.</summary>
    public sealed record ReminderDue(int Year, string Milestone, string MilestoneLabel, DateOnly Due, ReminderKind Kind, int Days,
        string UnitCode, string UnitName, IReadOnlyList<string> Recipients);

    /// <summary>
    /// The self-evaluation reminders due today (China date from the injected clock) in every open round: for
    /// each reminder date of the round file falling today, each active unit that has not filed that document,
    /// addressed to the unit's handlers and contact addresses. Pure query, no side effects: the outbox job
    /// calls it once a day and writes one message per item (the item's fields make an idempotency key).
    /// </summary>
    public sealed class Reminders(PingYiDbContext db, EvaluationRuntime runtime, TimeProvider time)
    {
        public async Task<IReadOnlyList<ReminderDue>> DueTodayAsync(CancellationToken ct)
        {
            var today = ChinaTime.Today(time);
            var due = new List<ReminderDue>();
            var open = await db.EvaluationRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open).ToListAsync(ct);
            foreach (var round in open)
            {
                if (runtime.Find(round.Year) is not { } definition)
                {
                    continue;
                }
                var dates = SelfEvaluationSchedule.DueOn(definition, today);
                if (dates.Count == 0)
                {
                    continue;
                }
                var filed = (await db.EvaluationFiles.AsNoTracking()
                        .Where(f => f.RoundId == round.Id && f.Owner == EvaluationFileOwner.SelfEvaluationDocument)
                        .Select(f => new { f.UnitId, f.Milestone }).Distinct().ToListAsync(ct))
                    .Select(f => (f.UnitId, f.Milestone)).ToHashSet();
                var units = await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code).ToListAsync(ct);
                foreach (var date in dates)
                {
                    foreach (var unit in units.Where(u => !filed.Contains((u.Id, date.Milestone.Code))))
                    {
                        // The unit's handlers whose accounts are not disabled, and its contact addresses: the same rule as case notices.
                        var recipients = (await Notifications.NoticeWriter.UnitAddressesAsync(db, unit.Id, time.GetUtcNow().UtcDateTime, ct))
                            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
                        due.Add(new ReminderDue(round.Year, date.Milestone.Code, date.Milestone.Label, date.Milestone.Due, date.Kind, date.Days, unit.Code, unit.Name, recipients));
                    }
                }
            }
            return due;
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/documents/{milestone}", async (int year, string milestone, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var form = await ApiBody.ReadFormAsync(http, MaxBytes + (64 * 1024), ct);
                if (!form.Succeeded)
                {
                    return form.Failure!.ToProblem();
                }
                var file = form.Value!.Files.GetFile(FileField);
                var result = await handler.UploadAsync(year, milestone, file is null ? null : UploadedFile.From(file), http.User, ct);
                return result.ToCreated(_ => $"/api/v1/evaluations/{year}/documents");
            })
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithName("UploadSelfEvaluationDocument")
            .Produces<Uploaded>(StatusCodes.Status201Created)
            .WithSummary("上传实施方案或自评情况报告（单位承办人，multipart，字段 file）")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        api.MapGet("/evaluations/{year:int}/documents", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                handler.StatusAsync(year, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("SelfEvaluationStatus")
            .Produces<IReadOnlyList<UnitStatus>>()
            .WithSummary("各单位自评材料报送情况（迟报、未报）")
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
