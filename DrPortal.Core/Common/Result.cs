namespace DrPortal.Core.Common;

public enum ResultStatus
{
    Ok,
    Invalid,
    NotFound,
    Conflict,

    /// <summary>Refused for now: too many attempts; <see cref="Result{T}.RetryAfter"/> says when to try again.</summary>
    Throttled,
}

/// <summary>The outcome of a command: a value, or why nothing was changed.</summary>
public sealed record Result<T>(ResultStatus Status, T? Value, ValidationErrors? Errors, string? Message, TimeSpan? RetryAfter = null)
{
    public bool IsOk => Status == ResultStatus.Ok;

    public static Result<T> Ok(T value) => new(ResultStatus.Ok, value, null, null);

    public static Result<T> Invalid(ValidationErrors errors) => new(ResultStatus.Invalid, default, errors, errors.ToString());

    public static Result<T> Invalid(string field, string message) => Invalid(ValidationErrors.For(field, message));

    public static Result<T> NotFound(string message) => new(ResultStatus.NotFound, default, null, message);

    public static Result<T> Conflict(string message) => new(ResultStatus.Conflict, default, null, message);

    public static Result<T> Throttled(string message, TimeSpan retryAfter) => new(ResultStatus.Throttled, default, null, message, retryAfter);
}
