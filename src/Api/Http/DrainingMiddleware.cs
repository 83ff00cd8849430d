using Npq.Api.Errors;

namespace Npq.Api.Http;

/// <summary>
/// Graceful shutdown (issue 15, ADR 0019): once the host is stopping (SIGTERM), a request that arrives
/// on a connection still open is refused with 503 JSON, <c>Retry-After</c> and <c>Connection: close</c>,
/// so a client or load balancer moves to another process; requests already running finish within the
/// host's shutdown timeout. Readiness answers 503 from the same moment.
/// </summary>
public sealed class DrainingMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested || context.Request.Path.StartsWithSegments("/health/live", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        context.Response.Headers.RetryAfter = "1";
        context.Response.Headers.Connection = "close";
        context.Response.Headers.CacheControl = "no-store";
        await ApiJsonResult.Write(context.Response, StatusCodes.Status503ServiceUnavailable, new ErrorBodies.ErrorList([new ErrorBodies.ErrorEntry(
            "Service unavailable", "This server is shutting down; nothing was changed. Retry after the number of seconds in Retry-After.")]));
    }
}
