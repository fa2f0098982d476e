using PingYi.Domain.Common;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// Why a handler refused, in its own terms. Which HTTP status each kind is, and how it is written as problem
/// details, is decided once at the edge (<see cref="ResultHttp"/>); a page shows the messages beside its fields,
/// a job logs them.
/// </summary>
public enum FailureKind
{
    /// <summary>The input is wrong: fix the fields named in the errors.</summary>
    Invalid,

    /// <summary>Not signed in, or the credentials were refused.</summary>
    Unauthenticated,

    /// <summary>Signed in, but this user may not do this.</summary>
    Forbidden,

    /// <summary>No such thing, or none this user may see.</summary>
    NotFound,

    /// <summary>The thing is not in a state that allows this (closed, already done, a duplicate).</summary>
    Conflict,

    /// <summary>The thing changed since the caller read it (a stale If-Match).</summary>
    PreconditionFailed,

    /// <summary>The thing existed but is no longer usable (an expired one-time code).</summary>
    Gone,

    /// <summary>The body or a file is over its limit.</summary>
    TooLarge,

    /// <summary>The body is not of a type this route reads.</summary>
    UnsupportedMediaType,

    /// <summary>Well-formed, but its content cannot be used (a file that is not what it claims to be).</summary>
    Unprocessable,

    /// <summary>Too many attempts; try again later.</summary>
    TooManyRequests,

    /// <summary>Something this depends on is not available now.</summary>
    Unavailable,
}

/// <summary>Why a request was refused: a <see cref="FailureKind"/>, a Chinese title and field errors in Chinese.</summary>
/// <param name="Code">A machine-readable reason where callers act on it (e.g. <see cref="Codes.Stale"/>); sent as the problem's <c>code</c>.</param>
public sealed record RequestFailure(FailureKind Kind, string Title, IDictionary<string, string[]> Errors, string? Code = null)
{
    /// <summary>For handlers not yet converted that still name the HTTP status: the status is read back as its kind.</summary>
    public RequestFailure(int statusCode, string title, IDictionary<string, string[]> errors, string? code = null)
        : this(ResultHttp.KindOf(statusCode), title, errors, code)
    {
    }

    public static class Codes
    {
        /// <summary>The complaint changed since the caller read it (stale If-Match, or a lost race): reload and retry.</summary>
        public const string Stale = "stale";
    }

    /// <summary>The HTTP status the edge answers this failure with (for callers not yet converted to <see cref="Kind"/>).</summary>
    public int StatusCode => ResultHttp.StatusOf(Kind);

    public static RequestFailure Invalid(ValidationErrors errors) => new(FailureKind.Invalid, "提交的内容有误", errors.ToDictionary());

    public static RequestFailure Field(FailureKind kind, string title, string field, string message) =>
        new(kind, title, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>For handlers not yet converted that still name the HTTP status.</summary>
    public static RequestFailure Field(int statusCode, string title, string field, string message) =>
        Field(ResultHttp.KindOf(statusCode), title, field, message);

    public static RequestFailure Invalid(string title, string field, string message) => Field(FailureKind.Invalid, title, field, message);

    public static RequestFailure Forbidden(string title, string field, string message) => Field(FailureKind.Forbidden, title, field, message);

    public static RequestFailure NotFound(string title, string field, string message) => Field(FailureKind.NotFound, title, field, message);

    public static RequestFailure Conflict(string title, string field, string message) => Field(FailureKind.Conflict, title, field, message);

    public static RequestFailure PreconditionFailed(string title, string field, string message) => Field(FailureKind.PreconditionFailed, title, field, message);

    public static RequestFailure TooLarge(string title, string field, string message) => Field(FailureKind.TooLarge, title, field, message);

    public static RequestFailure UnsupportedMediaType(string title, string field, string message) => Field(FailureKind.UnsupportedMediaType, title, field, message);
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
