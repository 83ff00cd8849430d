using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// A Marten subscription used only as a trigger: the async daemon runs it on one node at a time, in
/// strict order, with pages that end below the high-water mark, and it hands the page's ceiling to
/// <see cref="CatchUpAsync"/>, which reads the rows itself and keeps its own position (the sealed log,
/// ADR 0022; the change feed, ADR 0023).
/// </summary>
public abstract class HighWaterSubscription : SubscriptionBase
{
    protected HighWaterSubscription(string name) => Name = name;

    /// <summary>Everything up to <paramref name="ceiling"/> has committed, or never will.</summary>
    protected abstract Task CatchUpAsync(long ceiling, CancellationToken cancellationToken);

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await CatchUpAsync(page.SequenceCeiling, cancellationToken);
        return Nothing.Instance;
    }

    private sealed class Nothing : IChangeListener
    {
        public static readonly Nothing Instance = new();

        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
