using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Schemes;

/// <summary>The scheme's routes: its versions and figures, a version's file, upload, copy from an earlier year, approval.</summary>
public static class SchemeApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/evaluations/{year:int}/scheme", (int year, HttpContext http, SchemeVersions schemes, CancellationToken ct) =>
                schemes.ViewAsync(year, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("GetEvaluationScheme")
            .WithSummary("评议方案：各版本及每个数值的出处")
            .Produces<SchemeVersions.SchemeView>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        api.MapGet("/evaluations/{year:int}/scheme/versions/{version:int}", async (int year, int version, HttpContext http, SchemeVersions schemes, CancellationToken ct) =>
                (await schemes.JsonAsync(year, version, http.User, ct)).ToHttp(json => Results.Text(json, "application/json; charset=utf-8")))
            .RequireAuthorization()
            .WithName("GetEvaluationSchemeVersion")
            .WithSummary("下载某一版本的评议方案文件")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/evaluations/{year:int}/scheme", (int year, HttpContext http, SchemeVersions schemes, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<SchemeVersions.UploadRequest, SchemeVersions.VersionView>(http,
                    body => schemes.UploadAsync(year, body, http.User, ct), r => r.ToHttp(v => Results.Created($"/api/v1/evaluations/{year}/scheme/versions/{v.Version}", v)), ct,
                    Domain.Evaluation.EvaluationScheme.MaxJsonLength * 4L))
            .RequireAuthorization()
            .WithName("UploadEvaluationScheme")
            .WithSummary("上传评议方案草案（待另一人审定）")
            .Produces<SchemeVersions.VersionView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/evaluations/{year:int}/scheme/copy", (int year, HttpContext http, SchemeVersions schemes, CancellationToken ct) =>
                ResultHttp.JsonCommandAsync<SchemeVersions.CopyRequest, SchemeVersions.VersionView>(http,
                    body => schemes.CopyAsync(year, body, http.User, ct), r => r.ToHttp(v => Results.Created($"/api/v1/evaluations/{year}/scheme/versions/{v.Version}", v)), ct))
            .RequireAuthorization()
            .WithName("CopyEvaluationScheme")
            .WithSummary("以上一年度方案为基础创建本年度方案草案")
            .Produces<SchemeVersions.VersionView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/evaluations/{year:int}/scheme/versions/{version:int}/approve", (int year, int version, HttpContext http, SchemeVersions schemes, CancellationToken ct) =>
                schemes.ApproveAsync(year, version, http.User, ct).ToOkAsync())
            .RequireAuthorization()
            .WithName("ApproveEvaluationScheme")
            .WithSummary("审定评议方案（须由上传人以外的账号）")
            .Produces<SchemeVersions.VersionView>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
    }
}
