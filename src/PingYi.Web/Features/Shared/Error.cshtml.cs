using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PingYi.Web.Features.Shared;

/// <summary>
/// The page a browser sees for an error status (404, 403, 405, 500 …) instead of an empty or JSON body.
/// Re-executed by the status code and exception middleware with the original verb, so it accepts any verb
/// and no antiforgery token; the API keeps its problem details (see <see cref="PagesRegistration"/>).
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; } = StatusCodes.Status500InternalServerError;

    public void OnGet(int? code) => Status = code ?? StatusCodes.Status500InternalServerError;

    public void OnPost(int? code) => OnGet(code);

    public (string Title, string Message) Text => Status switch
    {
        StatusCodes.Status404NotFound => ("页面不存在", "您访问的页面不存在或已被移除。请检查网址，或从下方链接进入。"),
        StatusCodes.Status403Forbidden => ("无权访问", "您的账号无权查看此页面。"),
        StatusCodes.Status405MethodNotAllowed => ("请求方式不正确", "请从页面上的按钮或链接进入，不要直接打开此网址。"),
        StatusCodes.Status400BadRequest => ("请求无效", "页面已过期或请求无效，请返回上一页刷新后重试。"),
        StatusCodes.Status413PayloadTooLarge => ("上传内容过大", "附件总大小超出限制，请减少或压缩附件后重试。"),
        StatusCodes.Status429TooManyRequests => ("操作过于频繁", "请稍等一分钟后再试。"),
        _ => ("出错了", "系统暂时无法处理您的请求，请稍后再试。您刚才填写的内容如未提交成功，请重新提交。"),
    };
}
