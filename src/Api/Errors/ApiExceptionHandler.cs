using Microsoft.AspNetCore.Diagnostics;
using Npq.Api.Http;
using Npq.Application.Common.Errors;
using Npq.Application.Common.RateLimiting;

namespace Npq.Api.Errors;

/// <summary>
/// The one place where failures become HTTP responses (§1.5), as ASP.NET Core's
/// <see cref="IExceptionHandler"/> behind <c>UseExceptionHandler</c>: each <see cref="ApiException"/>
/// has its status and body; anything else is logged and answered with a 500 that leaks nothing.
/// <see cref="Describe"/> is what <see cref="IdempotencyMiddleware"/> asks to decide what to keep.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, body) = Describe(exception);
        if (status == StatusCodes.Status500InternalServerError)
        {
            // The route template, not the path (a path can carry whatever a caller typed); the request id as a scope.
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = httpContext.TraceIdentifier }))
            {
                logger.LogError(exception, "Unhandled failure on {Method} {Route}", httpContext.Request.Method, Telemetry.TelemetryMiddleware.RouteOf(httpContext));
            }
        }

        var response = httpContext.Response;
        if (status == StatusCodes.Status503ServiceUnavailable)
            response.Headers.RetryAfter = "1";
        if (status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = "Bearer";
        if (exception is TooManyRequestsException tooMany)
            RateLimitMiddleware.WriteHeaders(response, tooMany.Decision);
        await ApiJsonResult.Write(response, status, body);
        return true;
    }

    /// <summary>The plain 500 for a failure no handler took (none is expected: <see cref="TryHandleAsync"/> takes every one).</summary>
    public static Task LastResort(HttpContext context) =>
        ApiJsonResult.Write(context.Response, StatusCodes.Status500InternalServerError, ErrorBodies.InternalError);

    /// <summary>The status and body the contract gives a failure.</summary>
    public static (int Status, object Body) Describe(Exception exception) => exception switch
    {
        NotAuthenticatedException => (StatusCodes.Status401Unauthorized, ErrorBodies.AccessDenied),
        ResourceNotFoundException => (StatusCodes.Status404NotFound, ErrorBodies.NotFound),
        BadRequestException e => (StatusCodes.Status400BadRequest, ErrorBodies.BadRequest(e.Detail)),
        RuleViolationException e => (StatusCodes.Status422UnprocessableEntity, ErrorBodies.Unprocessable(e.Errors)),
        ConflictException e => (StatusCodes.Status409Conflict, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(e.Title, e.Detail)])),
        GoneException e => (StatusCodes.Status410Gone, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(e.Title, e.Detail)])),
        ForbiddenException e => (StatusCodes.Status403Forbidden, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(e.Title, e.Detail)])),
        ParticipantIdChangedException e => (StatusCodes.Status410Gone, new ErrorBodies.GoneList([new ErrorBodies.GoneEntry(
            "Participant ID has been changed",
            e.Changes.Count > 0 ? $"The participant_id '{e.Changes[0].FromParticipantId}' has been replaced with '{e.Changes[0].ToParticipantId}'." : "The participant_id has been replaced.",
            e.Changes.Select(c => new ErrorBodies.IdChange(c.FromParticipantId, c.ToParticipantId, c.ChangedAt)).ToList())])),
        TooManyRequestsException e => (StatusCodes.Status429TooManyRequests, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(
            "Too many requests",
            $"The limit is {e.Decision.Limit} requests per rolling window; retry after {RateLimitMiddleware.Seconds(e.Decision.ResetAfter)} seconds")])),
        PayloadTooLargeException e => (StatusCodes.Status413PayloadTooLarge, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry("Payload too large", e.Detail)])),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e =>
            (StatusCodes.Status413PayloadTooLarge, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry("Payload too large", e.Message)])),
        BadHttpRequestException e => (StatusCodes.Status400BadRequest, ErrorBodies.BadRequest(e.Message)),
        // A write that lost a race the handler did not expect: its transaction rolled back whole.
        _ when Application.Common.WriteConflicts.IsConflict(exception) => (StatusCodes.Status409Conflict, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(
            "Conflict", "Another change to this resource was made at the same moment; nothing was changed. Read it again and retry.")])),
        _ when exception is DatabaseUnavailableException || Infrastructure.Persistence.DatabaseFailures.IsBusyOrUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(
            "Service unavailable", "The service is busy or briefly unavailable; nothing was changed. Retry after the number of seconds in Retry-After.")])),
        _ => (StatusCodes.Status500InternalServerError, ErrorBodies.InternalError),
    };
}
