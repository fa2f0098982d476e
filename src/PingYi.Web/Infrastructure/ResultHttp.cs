using PingYi.Domain.Complaints;
using PingYi.Web.Features.Complaints.Intake;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// The edge between handlers and HTTP, in one place: which status each <see cref="FailureKind"/> is, how a
/// failure is written (a validation problem with the Chinese title and field errors, and <c>code</c> when there
/// is one; <see cref="ChineseProblemDetails"/> fills in the rest), and the endpoint steps every route repeats —
/// read the body, call the handler, answer the value or the problem.
/// </summary>
public static class ResultHttp
{
    /// <summary>Request bodies of the JSON commands (ledger, inspections, deductions …): well above any valid one.</summary>
    public const long CommandJsonBytes = 64 * 1024;

    /// <summary>Room in an upload's body for its boundaries, headers and text fields, besides the files.</summary>
    public const long FormFieldsBytes = 64 * 1024;

    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status400BadRequest,
        FailureKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.Gone => StatusCodes.Status410Gone,
        FailureKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        FailureKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        FailureKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        FailureKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind of a status, for handlers not yet converted that still name one. Any other status is a bug.</summary>
    public static FailureKind KindOf(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => FailureKind.Invalid,
        StatusCodes.Status401Unauthorized => FailureKind.Unauthenticated,
        StatusCodes.Status403Forbidden => FailureKind.Forbidden,
        StatusCodes.Status404NotFound => FailureKind.NotFound,
        StatusCodes.Status409Conflict => FailureKind.Conflict,
        StatusCodes.Status412PreconditionFailed => FailureKind.PreconditionFailed,
        StatusCodes.Status410Gone => FailureKind.Gone,
        StatusCodes.Status413PayloadTooLarge => FailureKind.TooLarge,
        StatusCodes.Status415UnsupportedMediaType => FailureKind.UnsupportedMediaType,
        StatusCodes.Status422UnprocessableEntity => FailureKind.Unprocessable,
        StatusCodes.Status429TooManyRequests => FailureKind.TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => FailureKind.Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "No failure kind for this status."),
    };

    /// <summary>The failure as problem details: its status, Chinese title, <c>errors</c> by field, and <c>code</c>.</summary>
    public static IResult ToProblem(this RequestFailure failure) =>
        Results.ValidationProblem(failure.Errors, title: failure.Title, statusCode: StatusOf(failure.Kind),
            extensions: failure.Code is null ? null : new Dictionary<string, object?> { ["code"] = failure.Code });

    /// <summary>200 with the value, or the problem.</summary>
    public static IResult ToOk<T>(this Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : result.Failure!.ToProblem();

    /// <summary>201 with the value and where it lives now, or the problem.</summary>
    public static IResult ToCreated<T>(this Result<T> result, Func<T, string> location) =>
        result.Succeeded ? Results.Created(location(result.Value!), result.Value) : result.Failure!.ToProblem();

    /// <summary>What <paramref name="success"/> makes of the value (a file, 204 …), or the problem.</summary>
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult> success) =>
        result.Succeeded ? success(result.Value!) : result.Failure!.ToProblem();

    public static async Task<IResult> ToOkAsync<T>(this Task<Result<T>> result) => (await result).ToOk();

    /// <summary>
    /// A staff command's route: signed-in users only (the handler authorizes against the resource), its name and
    /// summary, and its refusals — 400 with field errors, 403, 409.
    /// </summary>
    public static RouteHandlerBuilder StaffCommand(this RouteHandlerBuilder builder, string name, string summary) =>
        builder.RequireAuthorization().WithName(name).WithSummary(summary).ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

    /// <summary>A staff upload (multipart, field <c>attachments</c>): a <see cref="StaffCommand"/> that answers <typeparamref name="TAnswer"/>.</summary>
    public static RouteHandlerBuilder StaffUpload<TAnswer>(this RouteHandlerBuilder builder, string name, string summary) =>
        builder.StaffCommand(name, summary).DisableAntiforgery().Produces<TAnswer>();

    /// <summary>Documents the problem-details answers of an endpoint in one call: <c>.ProducesProblems(403, 404)</c>.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }
        return builder;
    }

    /// <summary>
    /// A command with a JSON body: read it (415, 413 and malformed JSON answered as problems), hand it to the
    /// handler, answer with <paramref name="success"/> or the handler's problem.
    /// </summary>
    public static async Task<IResult> JsonCommandAsync<TBody, T>(
        HttpContext http, Func<TBody, Task<Result<T>>> handle, Func<Result<T>, IResult> answer, CancellationToken ct, long maxBytes = CommandJsonBytes)
        where TBody : class
    {
        var body = await ApiBody.ReadJsonAsync<TBody>(http, maxBytes, ct);
        return body.Succeeded ? answer(await handle(body.Value!)) : body.Failure!.ToProblem();
    }

    /// <summary>
    /// An upload of up to <paramref name="maxFiles"/> files (multipart, field <see cref="AttachmentUploads.Field"/>),
    /// the body limited to that many files of the largest size: 200 with <paramref name="answer"/> of the handler's
    /// count (how many files the record now has), or the problem.
    /// </summary>
    public static async Task<IResult> UploadAsync<TAnswer>(
        HttpContext http, int maxFiles, Func<IReadOnlyList<UploadedFile>, Task<Result<int>>> handle, Func<int, TAnswer> answer, CancellationToken ct)
    {
        var form = await ApiBody.ReadFormAsync(http, (maxFiles * Attachment.MaxBytes) + FormFieldsBytes, ct);
        if (!form.Succeeded)
        {
            return form.Failure!.ToProblem();
        }
        var files = form.Value!.Files.GetFiles(AttachmentUploads.Field).Select(UploadedFile.From).ToList();
        return (await handle(files)).ToHttp(count => Results.Ok(answer(count)));
    }
}
