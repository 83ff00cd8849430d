using Npq.Api.Http;
using Npq.Application.Common.Errors;
using Npq.Application.Common.RateLimiting;

namespace Npq.Api.Errors;

/// <summary>
/// The one place where failures become HTTP responses (§1.5): each <see cref="ApiException"/> has its
/// status and body; anything else is logged and answered with a 500 that leaks nothing.
/// </summary>
public sealed class ErrorMappingMiddleware(RequestDelegate next, ILogger<ErrorMappingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, body) = Map(exception);
            if (status == StatusCodes.Status500InternalServerError)
            {
                // The route template, not the path (a path can carry whatever a caller typed); the request id as a scope.
                using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = context.TraceIdentifier }))
                {
                    logger.LogError(exception, "Unhandled failure on {Method} {Route}", context.Request.Method, Telemetry.TelemetryMiddleware.RouteOf(context));
                }
            }

            context.Response.Clear();
            if (status == StatusCodes.Status503ServiceUnavailable)
                context.Response.Headers.RetryAfter = "1";
            if (status == StatusCodes.Status401Unauthorized)
                context.Response.Headers.WWWAuthenticate = "Bearer";
            if (exception is TooManyRequestsException tooMany)
                RateLimitMiddleware.WriteHeaders(context.Response, tooMany.Decision);
            context.Response.Headers.CacheControl = "no-store";
            await ApiJsonResult.Write(context.Response, status, body);
        }
    }

    public static (int Status, object Body) Map(Exception exception) => exception switch
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
            e.Changes.Count > 0 ? $"The participant ID {e.Changes[0].FromParticipantId} has been replaced by {e.Changes[0].ToParticipantId}" : "The participant ID has been replaced",
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
        _ when exception is DatabaseUnavailableException || IsBusyOrUnavailableDatabase(exception) => (StatusCodes.Status503ServiceUnavailable, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(
            "Service unavailable", "The service is busy or briefly unavailable; nothing was changed. Retry after the number of seconds in Retry-After.")])),
        _ => (StatusCodes.Status500InternalServerError, ErrorBodies.InternalError),
    };

    /// <summary>
    /// A statement or lock that hit its timeout (57014, 55P03), or a database that cannot be reached:
    /// the transaction rolled back, so a retry is safe.
    /// </summary>
    private static bool IsBusyOrUnavailableDatabase(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: "57014" or "55P03" or "57P01" or "57P03" })
                return true;
            if (e is Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException })
                return true;
        }

        return false;
    }
}
