using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PingYi.Domain.Complaints;
using PingYi.Web.Features.Complaints.Intake;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Reads API request bodies by hand so that every way a body can be wrong — not JSON, the wrong
/// shape, too large, an unsupported media type — ends as problem details with a Chinese message
/// instead of the framework's bare 400 or a 500.
/// </summary>
public static class ApiBody
{
    public const string MultipartFilesField = "attachments";

    public static bool IsJson(HttpRequest request) => request.HasJsonContentType();

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    public static async Task<Result<T>> ReadJsonAsync<T>(HttpContext http, long maxBytes, CancellationToken ct) where T : class
    {
        if (!IsJson(http.Request))
        {
            return UnsupportedMediaType("application/json");
        }
        var tooLarge = LimitBody(http, maxBytes);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        try
        {
            var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var value = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, options, ct);
            return value is null
                ? RequestFailure.Invalid("请求体为空", "$", "请求体不能为空，应为一个 JSON 对象。")
                : value;
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            return RequestFailure.Invalid("请求体不是有效的 JSON", path, $"JSON 格式错误或字段类型不对（位置 {path}）。");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
    }

    public static async Task<Result<IFormCollection>> ReadFormAsync(HttpContext http, long maxBytes, CancellationToken ct)
    {
        if (!IsMultipart(http.Request))
        {
            return UnsupportedMediaType("multipart/form-data");
        }
        var tooLarge = LimitBody(http, maxBytes);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        try
        {
            return Result<IFormCollection>.From(await http.Request.ReadFormAsync(
                new FormOptions { MultipartBodyLengthLimit = maxBytes, ValueLengthLimit = 64 * 1024, ValueCountLimit = 64 }, ct));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException)
        {
            // Raised for a body over the multipart limits, and for a malformed multipart body.
            return http.Request.ContentLength > maxBytes
                ? TooLarge(maxBytes)
                : RequestFailure.Invalid("表单格式错误", "$", "multipart/form-data 请求体格式错误或字段过多、过长。");
        }
        catch (IOException)
        {
            return RequestFailure.Invalid("表单格式错误", "$", "请求体读取失败。");
        }
    }

    /// <summary>The body of POST /api/v1/complaints: JSON, or multipart with the same field names plus files.</summary>
    public static async Task<Result<(ComplaintSubmission Submission, IReadOnlyList<UploadedFile> Files, IntakeOptions Options)>> ReadSubmissionAsync(HttpContext http, CancellationToken ct)
    {
        if (IsMultipart(http.Request))
        {
            var form = await ReadFormAsync(http, SubmitComplaintEndpoint.MaxMultipartBytes, ct);
            if (!form.Succeeded)
            {
                return form.Failure!;
            }
            var f = form.Value!;
            var anonymous = ParseBool(f["anonymous"]);
            if (anonymous is null)
            {
                return AnonymousRequired();
            }
            var submission = new ComplaintSubmission(
                f["unitCode"], f["category"], f["title"], f["description"], f["occurredOn"], f["location"],
                anonymous.Value, f["complainant.name"], f["complainant.phone"], f["complainant.email"]);
            var options = new IntakeOptions(ParseBool(f["complainant.smsAccessCode"]) ?? false, NullIfEmpty(f["channel"]), NullIfEmpty(f["receivedAt"]));
            return (submission, f.Files.GetFiles(MultipartFilesField).Select(UploadedFile.From).ToList(), options);
        }

        var json = await ReadJsonAsync<SubmitComplaintRequest>(http, SubmitComplaintEndpoint.MaxJsonBytes, ct);
        if (!json.Succeeded)
        {
            return json.Failure!.Kind == FailureKind.UnsupportedMediaType
                ? UnsupportedMediaType("application/json 或 multipart/form-data")
                : json.Failure;
        }
        var r = json.Value!;
        if (r.Anonymous is null)
        {
            return AnonymousRequired();
        }
        return (new ComplaintSubmission(
            r.UnitCode, r.Category, r.Title, r.Description, r.OccurredOn, r.Location, r.Anonymous.Value,
            r.Complainant?.Name, r.Complainant?.Phone, r.Complainant?.Email), Array.Empty<UploadedFile>(),
            new IntakeOptions(r.Complainant?.SmsAccessCode ?? false, r.Channel, r.ReceivedAt));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool? ParseBool(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "1" => true,
        "false" or "off" or "0" => false,
        _ => null,
    };

    private static RequestFailure AnonymousRequired() =>
        RequestFailure.Invalid("提交的内容有误", "anonymous", "请说明是否匿名反映（anonymous: true 或 false）。");

    private static RequestFailure? LimitBody(HttpContext http, long maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = maxBytes;
        }
        return null;
    }

    private static RequestFailure TooLarge(long maxBytes) =>
        RequestFailure.TooLarge("请求体过大", "$", $"请求体不能超过 {maxBytes / 1024} KB。");

    private static RequestFailure UnsupportedMediaType(string expected) =>
        RequestFailure.UnsupportedMediaType("不支持的请求格式", "Content-Type", $"请求体应为 {expected}。");
}
