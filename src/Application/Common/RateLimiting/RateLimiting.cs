namespace Npq.Application.Common.RateLimiting;

/// <summary>Configuration <c>Npq:RateLimit</c> (CONTRACT B4).</summary>
public sealed class RateLimitOptions
{
    public int PermitsPerToken { get; set; } = 1000;

    public int PermitsPerIp { get; set; } = 300;

    public int WindowSeconds { get; set; } = 300;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    /// <summary>
    /// Whose permits a request spends: its token's (<c>token:{id}</c>, never the raw header), or, with
    /// no valid token, its client address's (<c>ip:{address}</c>).
    /// </summary>
    public (string Key, int Limit) KeyFor(Guid? tokenId, string clientAddress) => tokenId is { } id
        ? ($"token:{id}", PermitsPerToken)
        : ($"ip:{clientAddress}", PermitsPerIp);
}

/// <summary>The outcome of asking for one permit.</summary>
/// <param name="ResetAfter">When the oldest counted request leaves the window (a permit frees up then).</param>
public sealed record RateLimitDecision(bool Admitted, int Limit, int Remaining, TimeSpan ResetAfter);

/// <summary>A limiter shared by every server process (the counts live in PostgreSQL).</summary>
public interface IRateLimiter
{
    ValueTask<RateLimitDecision> AcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>
/// The request's rate-limit decision (one per HTTP request, however many mediator messages it
/// sends); the HTTP edge writes it into the <c>RateLimit-*</c> headers.
/// </summary>
public sealed class RateLimitState
{
    public RateLimitDecision? Decision { get; set; }
}

/// <summary>429: over the limit; nothing was done. <see cref="RetryAfter"/> says when a request would be admitted.</summary>
public sealed class TooManyRequestsException(RateLimitDecision decision)
    : Errors.ApiException($"Rate limit of {decision.Limit} requests exceeded")
{
    public RateLimitDecision Decision { get; } = decision;
}
