using System.Reflection;
using Microsoft.AspNetCore.Diagnostics;

namespace DrPortal.Web.Api;

/// <summary>
/// Every exception under /api becomes a problem detail: a request minimal APIs could not bind is a 400 naming the field
/// (<see cref="BindingFailure"/>), Kestrel's refusals keep their status (413, 415, ...), anything else is a 500 whose
/// body says only that the error was logged, under which trace id. No exception text or stack trace leaves the server.
/// Pages are not handled here (they get the /error page).
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!ApiErrors.IsApi(context.Request))
        {
            return false;
        }
        if (exception is BadHttpRequestException bad)
        {
            // The middleware has cleared the request's endpoint by now; the feature keeps the one that failed.
            var handler = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<MethodInfo>();
            if (bad.StatusCode == StatusCodes.Status400BadRequest && BindingFailure.Errors(bad, handler) is { } errors)
            {
                logger.LogDebug("Refused {Method} {Path}: {Fields}", context.Request.Method, context.Request.Path, string.Join(", ", errors.Keys));
                var (field, messages) = errors.First();
                await TypedResults.ValidationProblem(errors, $"{field} {messages[0]}", title: "The request is not valid. Nothing was changed.").ExecuteAsync(context);
                return true;
            }
            await ApiErrors.ProblemAsync(context, bad.StatusCode);
            return true;
        }
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
            return true;
        }
        logger.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        await ApiErrors.ProblemAsync(context, StatusCodes.Status500InternalServerError);
        return true;
    }
}
