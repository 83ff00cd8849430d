using Npq.Infrastructure.Persistence;

namespace Npq.Infrastructure.Changes;

/// <summary>The change feed's trigger (ADR 0023): the builder reads the rows itself and keeps its own position.</summary>
public sealed class ChangeFeedSubscription(ChangeFeedBuilder builder) : HighWaterSubscription(SubscriptionName)
{
    public const string SubscriptionName = "ChangeFeed";

    protected override Task CatchUpAsync(long ceiling, CancellationToken cancellationToken) => builder.BuildUpToAsync(ceiling, cancellationToken);
}
