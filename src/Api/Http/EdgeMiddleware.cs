using System.Diagnostics;
using System.Text.RegularExpressions;
using Npq.Api.Errors;
using Npq.Application.Common.Errors;
using Npq.Infrastructure.Persistence;
using Npq.Infrastructure.Time;

namespace Npq.Api.Http;

/// <summary>
/// What every request gets at the edge: an <c>X-Request-Id</c> (the caller's, when it sends a sane
/// one) echoed and put in the log scope; <c>Cache-Control: no-store</c> on API responses (§1.3);
/// a 404 for API versions that do not exist; the request's database round trips in <c>Server-Timing</c>.
/// </summary>
public sealed partial class EdgeMiddleware(RequestDelegate next, ILogger<EdgeMiddleware> logger)
{
    public const string RequestIdHeader = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[RequestIdHeader].ToString();
        var requestId = incoming.Length is > 0 and <= 128 && SafeId().IsMatch(incoming)
            ? incoming
            : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;

        var isApi = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var roundTrips = RoundTripCounter.Begin();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            context.Response.Headers["Server-Timing"] = $"db;desc=\"{roundTrips.Count} round trips\"";
            if (isApi)
                context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });

        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            if (isApi && UnknownVersion().IsMatch(context.Request.Path.Value ?? ""))
                throw new ResourceNotFoundException();
            await next(context);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeId();

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
