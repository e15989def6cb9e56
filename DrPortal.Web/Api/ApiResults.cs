using DrPortal.Core.Common;

namespace DrPortal.Web.Api;

internal static class ApiResults
{
    /// <summary>Maps a command result to HTTP: 200/201 with the mapped value, or a problem-details error.</summary>
    public static IResult ToHttp<T, TDto>(this Result<T> result, Func<T, TDto> map, Func<TDto, string>? createdAt = null) => result.Status switch
    {
        ResultStatus.Ok when createdAt is not null => TypedResults.Created(createdAt(map(result.Value!)), map(result.Value!)),
        ResultStatus.Ok => TypedResults.Ok(map(result.Value!)),
        _ => Problem(result),
    };

    public static IResult Problem<T>(Result<T> result) => result.Status switch
    {
        ResultStatus.Invalid => TypedResults.ValidationProblem(JsonFieldNames(result.Errors!.ToDictionary()), title: "The request is not valid. Nothing was changed."),
        ResultStatus.NotFound => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        ResultStatus.Conflict => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        ResultStatus.Throttled => new TooManyRequestsResult(result.RetryAfter ?? TimeSpan.FromMinutes(1), result.Message),
        _ => throw new InvalidOperationException("An OK result is not a problem."),
    };

    /// <summary>Errors are keyed by input property; the API names them as the JSON fields the client sent.</summary>
    internal static Dictionary<string, string[]> JsonFieldNames(IDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value);

    public static IResult NotFound(string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
