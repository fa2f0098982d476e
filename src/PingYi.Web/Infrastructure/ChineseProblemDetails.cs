namespace PingYi.Web.Infrastructure;

/// <summary>
/// Problem details are read by people: the API's own refusals carry Chinese titles and messages, but those ASP.NET
/// Core writes itself (a 401 or 403 of the authorization middleware, routing's 404 and 405, a body it could not bind,
/// a crash) would say "Not Found" or "An error occurred while processing your request.". This gives every problem
/// without Chinese text the Chinese title of its status and drops an English detail.
/// </summary>
public static class ChineseProblemDetails
{
    public static readonly IReadOnlyDictionary<int, string> Titles = new Dictionary<int, string>
    {
        [StatusCodes.Status400BadRequest] = "请求无效",
        [StatusCodes.Status401Unauthorized] = "未登录或登录已过期",
        [StatusCodes.Status403Forbidden] = "无权执行此操作",
        [StatusCodes.Status404NotFound] = "未找到",
        [StatusCodes.Status405MethodNotAllowed] = "不支持该请求方法",
        [StatusCodes.Status406NotAcceptable] = "无法提供所要求的格式",
        [StatusCodes.Status409Conflict] = "操作冲突",
        [StatusCodes.Status410Gone] = "已失效",
        [StatusCodes.Status412PreconditionFailed] = "内容已变化",
        [StatusCodes.Status413PayloadTooLarge] = "提交的内容过大",
        [StatusCodes.Status415UnsupportedMediaType] = "不支持的内容类型",
        [StatusCodes.Status422UnprocessableEntity] = "提交的内容无法处理",
        [StatusCodes.Status429TooManyRequests] = "请求过于频繁",
        [StatusCodes.Status500InternalServerError] = "服务器内部错误",
        [StatusCodes.Status503ServiceUnavailable] = "服务繁忙",
    };

    public static void Configure(ProblemDetailsOptions options) => options.CustomizeProblemDetails = context =>
    {
        var problem = context.ProblemDetails;
        if (!HasChinese(problem.Title))
        {
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Title = Titles.TryGetValue(status, out var title) ? title : status >= 500 ? "服务器错误" : "请求未能完成";
        }
        if (problem.Detail is { } detail && !HasChinese(detail))
        {
            problem.Detail = null;
        }
    };

    private static bool HasChinese(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');
}
