using PingYi.Web.Infrastructure;
using static PingYi.Web.Features.Evaluation.Appeals.AppealViews;

namespace PingYi.Web.Features.Evaluation.Appeals;

/// <summary>The appeal routes: file, list, decide, evidence (docs/api.md).</summary>
public static class AppealApi
{
    /// <summary>The answer to an upload: how many files the appeal now has (<c>{ "evidence": n }</c>).</summary>
    public sealed record EvidenceAdded(int Evidence);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/appeals", (int year, HttpContext http, AppealHandler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<FileRequest, Appeal>(http, body => handler.FileAsync(year, body, http.User, ct),
                    result => result.ToCreated(created => $"/api/v1/evaluations/{year}/appeals/{created.Id}"), ct))
            .StaffCommand("FileAppeal", "提出申诉（公示期内，本单位办理人员）")
            .Produces<Appeal>(StatusCodes.Status201Created)
            .WithDescription("Body: { \"unitCode\", \"item\": { \"kind\": complaint|deduction|inspection|rating, \"ref\", \"ground\"? }, \"reason\" }; ground (wrong-unit|malicious|duplicate) is required for a complaint.");

        api.MapGet("/evaluations/{year:int}/appeals", async (int year, string? unit, HttpContext http, AppealHandler handler, CancellationToken ct) =>
                (await handler.ListAsync(year, unit, http.User, ct)).ToOk())
            .RequireAuthorization()
            .WithName("ListAppeals")
            .Produces<List>()
            .WithSummary("申诉列表（本单位的；纪检监察工委：全部）")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        api.MapPost("/evaluations/{year:int}/appeals/{id:long}/decision", (int year, long id, HttpContext http, AppealHandler handler, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<DecisionRequest, Decided>(http, body => handler.DecideAsync(year, id, body, http.User, ct), result => result.ToOk(), ct))
            .RequireAuthorization()
            .WithName("DecideAppeal")
            .Produces<Decided>()
            .WithSummary("裁定申诉（纪检监察工委，申诉人以外的人）")
            .WithDescription("Body: { \"upheld\": bool, \"reason\" }.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        api.MapPost("/evaluations/{year:int}/appeals/{id:long}/evidence", (int year, long id, HttpContext http, AppealHandler handler, CancellationToken ct) =>
                ResultHttp.UploadAsync(http, AppealHandler.MaxEvidence, files => handler.AddEvidenceAsync(year, id, files, http.User, ct), count => new EvidenceAdded(count), ct))
            .StaffUpload<EvidenceAdded>("AddAppealEvidence", "上传申诉证据（multipart，字段 attachments）");
    }
}
