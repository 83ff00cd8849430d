using Mediator;
using Microsoft.Extensions.Options;
using Npq.Application.Common.RateLimiting;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// A step of the mediator pipeline (order: docs/architecture.md, "The request pipeline"): one permit per request
/// from the caller's token bucket (<c>token:{id}</c>, never the raw header), or, for anonymous
/// requests, from the client IP's. A refused request throws before any handler runs, so it changes
/// nothing. Requests opt in through <see cref="ICallerRequest"/>.
/// </summary>
public sealed class RateLimitBehaviour<TMessage, TResponse>(
    IRateLimiter limiter, RateLimitState state, IOptions<RateLimitOptions> options, IClientAddress client) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICallerRequest
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (state.Decision is null && message.Caller.Kind != CallerKind.System)
        {
            var o = options.Value;
            var (key, limit) = o.KeyFor(message.Caller.TokenId, client.Address);
            state.Decision = await limiter.AcquireAsync(key, limit, o.Window, cancellationToken);
            Telemetry.NpqTelemetry.RateLimitDecision(state.Decision.Admitted, message.Caller);
            if (!state.Decision.Admitted)
                throw new TooManyRequestsException(state.Decision);
        }

        return await next(message, cancellationToken);
    }
}

/// <summary>The client's address as the HTTP edge sees it ("unknown" outside a request).</summary>
public interface IClientAddress
{
    string Address { get; }
}
