using System.Diagnostics;
using Npq.Api.Authentication;
using Npq.Application.Common.Telemetry;

namespace Npq.Api.Telemetry;

/// <summary>
/// An early step of every request (order: docs/architecture.md, "The request pipeline"): counts it and times it (<c>npq.requests</c>,
/// <c>npq.request.duration</c>) by API version, route template (never the raw path: ids and hostile
/// paths would make labels without end), method, status, caller kind and provider; answers with the
/// W3C <c>traceresponse</c> header naming the trace the request ran in; and writes one log line per
/// request with the same facts (no query string, no header, no body).
/// </summary>
public sealed partial class TelemetryMiddleware(RequestDelegate next, ILogger<TelemetryMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // The server span ASP.NET Core started for the request (continuing the caller's traceparent).
        var activity = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity ?? Activity.Current;
        context.Response.OnStarting(() =>
        {
            if (activity is { IdFormat: ActivityIdFormat.W3C })
                context.Response.Headers["traceresponse"] = $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{(activity.Recorded ? "01" : "00")}";
            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var route = RouteOf(context);
            var caller = TokenAuthenticationHandler.CallerOf(context.User);
            var status = context.Response.StatusCode;
            var tags = NpqTelemetry.CallerTags(caller);
            tags.Add("api_version", ApiVersionOf(context.Request.Path));
            tags.Add("route", route);
            tags.Add("method", MethodLabel(context.Request.Method));
            tags.Add("status", status);
            NpqTelemetry.Requests.Add(1, tags);
            NpqTelemetry.RequestDuration.Record(elapsed.TotalSeconds, tags);
            // Outside the inner middlewares' scopes: name the request (X-Request-Id, as the audit log does) here.
            using (logger.BeginScope(new Dictionary<string, object?>
                   {
                       ["RequestId"] = context.TraceIdentifier,
                       ["ClientRequestId"] = context.Items[Http.EdgeMiddleware.ClientRequestIdItem],
                   }))
                Answered(logger, LevelOf(context, status), MethodLabel(context.Request.Method), route, status, elapsed.TotalMilliseconds, caller.KindLabel, caller.LeadProviderId);
        }
    }

    /// <summary>The method as a label from a fixed set: a client that invents methods adds no series.</summary>
    public static string MethodLabel(string method) => method switch
    {
        _ when HttpMethods.IsGet(method) => "GET",
        _ when HttpMethods.IsPost(method) => "POST",
        _ when HttpMethods.IsPut(method) => "PUT",
        _ when HttpMethods.IsPatch(method) => "PATCH",
        _ when HttpMethods.IsDelete(method) => "DELETE",
        _ when HttpMethods.IsHead(method) => "HEAD",
        _ when HttpMethods.IsOptions(method) => "OPTIONS",
        _ => "other",
    };

    /// <summary>The route template the request matched (never the raw path), or <c>unmatched</c>.</summary>
    /// <remarks>After a failure, ASP.NET's exception handler has cleared the endpoint; its feature keeps the one that failed.</remarks>
    public static string RouteOf(HttpContext context) =>
        ((context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint) as RouteEndpoint)
        ?.RoutePattern.RawText ?? "unmatched";

    /// <summary><c>v1</c>, <c>v2</c> or <c>v3</c> for the versioned API, <c>none</c> for anything else.</summary>
    public static string ApiVersionOf(PathString path)
    {
        var value = path.Value ?? "";
        return value.Length >= 7 && value.StartsWith("/api/v", StringComparison.OrdinalIgnoreCase) && value[6] is '1' or '2' or '3'
               && (value.Length == 7 || value[7] == '/')
            ? "v" + value[6]
            : "none";
    }

    /// <summary>
    /// Refusals by the limiter (429) and health probes are counted in the metrics, not logged one line
    /// each (Debug): a flood must not become a flood of log lines (issue 24).
    /// </summary>
    private static LogLevel LevelOf(HttpContext context, int status) =>
        status == StatusCodes.Status429TooManyRequests || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            ? LogLevel.Debug
            : LogLevel.Information;

    [LoggerMessage(EventId = 1,
        Message = "{Method} {Route} answered {Status} in {ElapsedMs:F1} ms for {CallerKind} {ProviderId}")]
    private static partial void Answered(ILogger logger, LogLevel level, string method, string route, int status, double elapsedMs, string callerKind, Guid? providerId);
}
