using PingYi.Domain.Common;

namespace PingYi.Web.Infrastructure;

/// <summary>Why a request was refused: an HTTP status and field errors in Chinese. The API turns it into problem details; pages show the messages beside the fields.</summary>
/// <param name="Code">A machine-readable reason where callers act on it (e.g. <see cref="Codes.Stale"/>); sent as the problem's <c>code</c>.</param>
public sealed record RequestFailure(int StatusCode, string Title, IDictionary<string, string[]> Errors, string? Code = null)
{
    public static class Codes
    {
        /// <summary>The complaint changed since the caller read it (stale If-Match, or a lost race): reload and retry.</summary>
        public const string Stale = "stale";
    }

    public static RequestFailure Invalid(ValidationErrors errors) =>
        new(StatusCodes.Status400BadRequest, "提交的内容有误", errors.ToDictionary());

    public static RequestFailure Field(int statusCode, string title, string field, string message) =>
        new(statusCode, title, new Dictionary<string, string[]> { [field] = [message] });

    public IResult ToProblem() => Results.ValidationProblem(Errors, title: Title, statusCode: StatusCode,
        extensions: Code is null ? null : new Dictionary<string, object?> { ["code"] = Code });
}

/// <summary>Either a value or a <see cref="RequestFailure"/>.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, RequestFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public RequestFailure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>For values an implicit conversion cannot take (interfaces).</summary>
    public static Result<T> From(T value) => new(value, null);

    public static implicit operator Result<T>(RequestFailure failure) => new(default, failure);
}
