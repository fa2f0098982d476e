using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Features.Complaints.Intake;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Inspections;

/// <summary>明察暗访: an inspector records a visit to a unit, its findings with their severity, a rating, and photos.</summary>
public static class RecordInspection
{
    public const int MaxFindings = 20;
    public const int MaxPhotos = 5;

    public sealed record FindingRequest(string? Description, string? Severity);

    public sealed record Request(string? UnitCode, string? Date, bool? Covert, List<FindingRequest>? Findings, string? Rating);

    public sealed record Response(long Id, int Year, string UnitCode, string Date, bool Covert, string Rating, int Findings);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, Request request, ClaimsPrincipal user, CancellationToken ct)
        {
            if (!(await authorization.AuthorizeAsync(user, new InspectionTarget(null), InspectionRequirement.Record)).Succeeded)
            {
                return Forbidden();
            }
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var errors = new ValidationErrors();
            var unit = await rounds.UnitAsync(request.UnitCode, ct);
            if (unit is null)
            {
                errors.Add("unitCode", string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写被检查单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
            }
            DateOnly date = default;
            if (string.IsNullOrWhiteSpace(request.Date))
            {
                errors.Add("date", "请填写检查日期。");
            }
            else if (!DateOnly.TryParseExact(request.Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                errors.Add("date", "检查日期格式应为 yyyy-MM-dd。");
            }
            else if (date < definition.PeriodStart || date > ChinaTime.Today(time))
            {
                errors.Add("date", $"检查日期应在评议期内（{definition.PeriodStart:yyyy-MM-dd} 起）且不晚于今天。");
            }
            if (request.Covert is null)
            {
                errors.Add("covert", "请说明是明察还是暗访（covert: true 或 false）。");
            }
            if (request.Rating is null or "")
            {
                errors.Add("rating", "请选择总体评价（满意、基本满意或不满意）。");
            }
            else if (definition.Overall.Find(request.Rating) is null)
            {
                errors.Add("rating", "总体评价只能是 satisfied（满意）、basically-satisfied（基本满意）或 dissatisfied（不满意）。");
            }
            var findings = new List<InspectionFinding>();
            if (request.Findings is { Count: > MaxFindings })
            {
                errors.Add("findings", $"一次检查最多记录 {MaxFindings} 个问题。");
            }
            for (var i = 0; i < (request.Findings?.Count ?? 0) && i < MaxFindings; i++)
            {
                var f = request.Findings![i];
                var description = Text.Clean(f?.Description, multiline: true);
                if (description is null)
                {
                    errors.Add($"findings[{i}].description", "请描述发现的问题。");
                }
                else if (description.Length > InspectionFinding.MaxDescriptionLength)
                {
                    errors.Add($"findings[{i}].description", $"问题描述不能超过 {InspectionFinding.MaxDescriptionLength} 字。");
                }
                if (f?.Severity is null || !definition.Severities.ContainsKey(f.Severity))
                {
                    errors.Add($"findings[{i}].severity", "问题严重程度只能是 minor（一般）、major（较重）或 serious（严重）。");
                }
                if (description is not null && f?.Severity is not null && definition.Severities.ContainsKey(f.Severity))
                {
                    findings.Add(new InspectionFinding(description, f.Severity));
                }
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var inspection = new Inspection(round.Id, unit!.Id, user.UserId()!, date, request.Covert!.Value, request.Rating!, findings, time.GetUtcNow().UtcDateTime);
            db.Inspections.Add(inspection);
            await db.SaveChangesAsync(ct);
            return new Response(inspection.Id, year, unit.Code, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), inspection.Covert, inspection.Rating, findings.Count);
        }

        /// <summary>Photos of an inspection, by its inspector, while the round is open; checked by content like complaint evidence.</summary>
        public async Task<Result<int>> AddPhotosAsync(int year, long inspectionId, IReadOnlyList<UploadedFile> uploads, ClaimsPrincipal user, CancellationToken ct)
        {
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var inspection = await db.Inspections.AsNoTracking().SingleOrDefaultAsync(i => i.Id == inspectionId && i.RoundId == found.Value!.Round.Id, ct);
            if (inspection is null)
            {
                return RequestFailure.NotFound("检查记录不存在", "id", "没有这条检查记录。");
            }
            if (!(await authorization.AuthorizeAsync(user, new InspectionTarget(inspection.InspectorId), InspectionRequirement.Record)).Succeeded)
            {
                return Forbidden();
            }
            return await EvaluationFileUploads.AttachAsync(db, EvaluationFileOwner.InspectionPhoto, inspection.Id, inspection.RoundId, inspection.UnitId,
                MaxPhotos, uploads, user, time.GetUtcNow().UtcDateTime, "请选择照片", "请至少上传一张照片。", ct);
        }

        private static RequestFailure Forbidden() =>
            RequestFailure.Forbidden("无权录入检查", "$", "只有义务监督员可以录入明察暗访检查。");
    }

    /// <summary>The answer to an upload: how many files the item now has (<c>{ "photos": n }</c>).</summary>
    public sealed record PhotosAdded(int Photos);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/inspections", (int year, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<Request, Response>(http, body => handler.HandleAsync(year, body, http.User, ct),
                    result => result.ToCreated(created => $"/api/v1/evaluations/{year}/inspections/{created.Id}"), ct))
            .StaffCommand("RecordInspection", "录入明察暗访检查（义务监督员）")
            .Produces<Response>(StatusCodes.Status201Created)
            .WithDescription("Body: { \"unitCode\", \"date\": \"yyyy-MM-dd\", \"covert\": bool, \"findings\": [{ \"description\", \"severity\": \"minor\" | \"major\" | \"serious\" }], \"rating\" }.");

        api.MapPost("/evaluations/{year:int}/inspections/{id:long}/photos", (int year, long id, HttpContext http, Handler handler, CancellationToken ct) =>
                ResultHttp.UploadAsync(http, MaxPhotos, files => handler.AddPhotosAsync(year, id, files, http.User, ct), count => new PhotosAdded(count), ct))
            .StaffUpload<PhotosAdded>("AddInspectionPhotos", "上传检查照片（multipart，字段 attachments）");
    }
}
