using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.Options;
using Npq.Api.Authentication;
using Npq.Application.Common;
using Npq.Application.Common.Behaviours;
using Npq.Application.Common.RateLimiting;

namespace Npq.Api.Http;

/// <summary>
/// The HTTP edge of rate limiting (CONTRACT B4, ADR 0011). Requests that reach a handler are
/// limited by the mediator's <c>RateLimitBehaviour</c>; this middleware limits those that never do:
/// unknown routes and docs pages, and requests without a valid token to protected endpoints (per
/// client IP, so guessing tokens is slow). It also writes <c>RateLimit-Limit</c>,
/// <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> on every API response that was counted.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, IRateLimiter limiter, IOptions<RateLimitOptions> options)
{
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

        var endpoint = context.GetEndpoint();
        var isAction = endpoint?.Metadata.GetMetadata<ControllerActionDescriptor>() is not null;
        var needsToken = endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null;
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        if (!isAction || (needsToken && !authenticated))
        {
            var o = options.Value;
            var caller = TokenAuthenticationHandler.CallerOf(context.User);
            var (key, limit) = caller.TokenId is { } tokenId
                ? ($"token:{tokenId}", o.PermitsPerToken)
                : ($"ip:{HttpClientAddress.Of(context)}", o.PermitsPerIp);
            state.Decision = await limiter.AcquireAsync(key, limit, o.Window, context.RequestAborted);
            if (!state.Decision.Admitted)
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

    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
