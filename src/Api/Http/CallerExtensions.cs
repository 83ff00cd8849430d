using Npq.Api.Authentication;
using Npq.Application.Common;

namespace Npq.Api.Http;

public static class CallerExtensions
{
    public static Caller Caller(this HttpContext context) => TokenAuthenticationHandler.CallerOf(context.User);
}

/// <summary>The request id for event metadata: the HTTP request's, or one per scope outside HTTP (commands, seed).</summary>
public sealed class HttpRequestContext(IHttpContextAccessor accessor) : Application.Common.Behaviours.IRequestContext
{
    private readonly string _fallback = $"local-{Guid.NewGuid():N}";

    public string RequestId => accessor.HttpContext?.TraceIdentifier ?? _fallback;

    public string? ClientRequestId => accessor.HttpContext?.Items[EdgeMiddleware.ClientRequestIdItem] as string;

    public string? ClientTraceparent => accessor.HttpContext?.Items[EdgeMiddleware.ClientTraceparentItem] as string;
}
