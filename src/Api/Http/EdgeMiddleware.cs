using System.Text.RegularExpressions;
using Npq.Api.Errors;
using Npq.Application.Common.Errors;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.Time;

namespace Npq.Api.Http;

/// <summary>
/// What every request gets at the edge: a request id of the server's own (issue 24), put in the log
/// scope and the audit trail; the client's own <c>X-Request-Id</c> and <c>traceparent</c>, when sane,
/// kept beside it as the client's (logs and the audit trail label them so); <c>X-Request-Id</c> on the
/// response echoes the client's when it sent one (CONTRACT B10) and is the server's otherwise;
/// <c>Cache-Control: no-store</c> on API responses that set none (§1.3);
/// a 404 for API versions that do not exist, and the deprecation of v1 and v2 (<see cref="LegacyVersions"/>); the request's database round trips in <c>Server-Timing</c>,
/// only in Development or when an operator sets <c>Npq:ServerTiming:Enabled</c> (issue 24: the count
/// says how a request was answered, for example whether a registration's email matched someone).
/// </summary>
public sealed partial class EdgeMiddleware(RequestDelegate next, ILogger<EdgeMiddleware> logger, IConfiguration configuration, IHostEnvironment environment)
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string ClientRequestIdItem = "npq:client_request_id";
    public const string ClientTraceparentItem = "npq:client_traceparent";

    private readonly bool _serverTiming = configuration.GetValue("Npq:ServerTiming:Enabled", environment.IsDevelopment());
    private readonly bool _legacyRetired = LegacyVersions.IsRetired(configuration);

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[RequestIdHeader].ToString();
        var clientRequestId = incoming.Length is > 0 and <= 128 && SafeId().IsMatch(incoming) ? incoming : null;
        var traceparent = context.Request.Headers["traceparent"].ToString();
        var clientTraceparent = Traceparent().IsMatch(traceparent) ? traceparent : null;
        var requestId = Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = requestId;
        context.Items[ClientRequestIdItem] = clientRequestId;
        context.Items[ClientTraceparentItem] = clientTraceparent;

        var isApi = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var legacy = LegacyVersions.IsLegacyApi(context.Request.Path);
        var roundTrips = RoundTripCounter.Begin();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = clientRequestId ?? requestId; // echoed (CONTRACT B10), else the server's
            if (_serverTiming)
                context.Response.Headers["Server-Timing"] = $"db;desc=\"{roundTrips.Count} round trips\"";
            // An endpoint that says how it may be cached (the public log tiles, the guidance) keeps it.
            if (isApi && !context.Response.Headers.ContainsKey("Cache-Control"))
                context.Response.Headers.CacheControl = "no-store";
            if (legacy)
                LegacyVersions.WriteHeaders(context.Response);
            return Task.CompletedTask;
        });

        using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = requestId, ["ClientRequestId"] = clientRequestId }))
        {
            if (isApi && UnknownVersion().IsMatch(context.Request.Path.Value ?? ""))
                throw new ResourceNotFoundException();
            if (_legacyRetired && (legacy || LegacyVersions.IsLegacyDocument(context.Request.Path)))
                throw new ResourceNotFoundException(); // retired as the reference retired them: the API and its documents

            await next(context);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeId();

    [GeneratedRegex("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex Traceparent();

    // Paths are matched in any letter case, as routing matches them; v1, v2 and v3 are the versions
    // (v1.0, v01 and the like are not, whatever Asp.Versioning would make of them).
    [GeneratedRegex(@"^/api/v(?![123](/|$))[^/]*(/|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnknownVersion();
}

/// <summary>
/// <c>X-With-Server-Date</c> (§4.8, B6): in Sandbox and Development, "now" for the whole request.
/// Production ignores it.
/// </summary>
public sealed class ServerDateMiddleware(RequestDelegate next, IHostEnvironment environment)
{
    public const string Header = "X-With-Server-Date";

    public async Task InvokeAsync(HttpContext context)
    {
        var value = context.Request.Headers[Header].ToString();
        if (value.Length == 0 || !(environment.IsDevelopment() || environment.IsEnvironment("Sandbox")))
        {
            await next(context);
            return;
        }

        var at = ListQuery.ParseTimestamp(value)
                 ?? (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                     System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUniversalTime() : (DateTimeOffset?)null)
                 ?? throw new BadRequestException($"The {Header} header must be a date-time, like 2025-01-10T10:42:00Z");
        using (RequestTimeProvider.Use(at))
            await next(context);
    }
}

/// <summary>Unknown API routes and wrong methods answer like the reference: 404 <c>{"error":"Resource not found"}</c>.</summary>
public static class NotFoundFallback
{
    public static Task Write(HttpContext context) =>
        ApiJsonResult.Write(context.Response, StatusCodes.Status404NotFound, ErrorBodies.NotFound);
}
