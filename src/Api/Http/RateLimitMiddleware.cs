using System.Globalization;
using Microsoft.Extensions.Options;
using Npq.Api.Authentication;
using Npq.Application.Common.Behaviours;
using Npq.Application.Common.RateLimiting;
using Npq.Application.Common.Telemetry;

namespace Npq.Api.Http;

/// <summary>
/// The HTTP edge of rate limiting (CONTRACT B4, ADR 0011): every <c>/api</c> request, in any letter
/// case, takes one permit from its token's window, or without a valid token from its client
/// address's (so guessing tokens is slow), before the request reaches the mediator (order: docs/architecture.md). The mediator's
/// <c>RateLimitBehaviour</c> limits requests that arrive by other ways. It also writes
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> on every API response.
/// A refusal is answered late (<see cref="RefusalDelay"/>, at most the time until a permit frees up): a
/// caller over its limit holds a connection, not a core, and a flood slows to the pace of its
/// connections instead of taking the processors from everyone else (issue 24).
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, IRateLimiter limiter, IOptions<RateLimitOptions> options, IConfiguration configuration)
{
    private readonly TimeSpan _refusalDelay = RefusalDelay(configuration);

    /// <summary>How late a refusal is answered: <c>Npq:RateLimit:RefusalDelayMilliseconds</c>, 1,000 unless set.</summary>
    public static TimeSpan RefusalDelay(IConfiguration configuration) =>
        TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Npq:RateLimit:RefusalDelayMilliseconds", 1000), 0, 10_000));

    public async Task InvokeAsync(HttpContext context, RateLimitState state)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        context.Response.OnStarting(() =>
        {
            if (state.Decision is { } decision)
                WriteHeaders(context.Response, decision);
            return Task.CompletedTask;
        });

        // Every /api request is counted here, before its body is read: refused bodies, malformed JSON
        // and tokens of the wrong kind cost a permit like any other request (issue 14). The mediator's
        // behaviour then finds the decision made and does not count the request twice.
        var o = options.Value;
        var caller = TokenAuthenticationHandler.CallerOf(context.User);
        var (key, limit) = o.KeyFor(caller.TokenId, HttpClientAddress.Of(context));
        state.Decision = await limiter.AcquireAsync(key, limit, o.Window, context.RequestAborted);
        NpqTelemetry.RateLimitDecision(state.Decision.Admitted, caller);
        if (!state.Decision.Admitted)
        {
            var delay = state.Decision.ResetAfter < _refusalDelay ? state.Decision.ResetAfter : _refusalDelay;
            await Task.Delay(delay, context.RequestAborted);
            throw new TooManyRequestsException(state.Decision);
        }

        await next(context);
    }

    public static void WriteHeaders(HttpResponse response, RateLimitDecision decision)
    {
        response.Headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Seconds(decision.ResetAfter).ToString(CultureInfo.InvariantCulture);
        if (!decision.Admitted)
            response.Headers.RetryAfter = Seconds(decision.ResetAfter).ToString(CultureInfo.InvariantCulture);
    }

    public static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}

/// <summary>The client's IP address for per-IP limits.</summary>
public sealed class HttpClientAddress(IHttpContextAccessor accessor) : IClientAddress
{
    public string Address => accessor.HttpContext is { } context ? Of(context) : "unknown";

    /// <summary>
    /// The address a limit is kept for: an IPv4 address as it is, an IPv6 address by its /64 network
    /// (one subscriber's allocation, which a client can otherwise walk to get a fresh limit per request).
    /// </summary>
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
