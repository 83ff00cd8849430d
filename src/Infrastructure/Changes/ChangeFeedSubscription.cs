using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;

namespace Npq.Infrastructure.Changes;

/// <summary>
/// The change feed's trigger: a Marten subscription (one node at a time, strict order, pages ending below
/// the high-water mark). The builder reads the rows itself and keeps its own position (ADR 0023).
/// </summary>
public sealed class ChangeFeedSubscription : SubscriptionBase
{
    public const string SubscriptionName = "ChangeFeed";

    private readonly ChangeFeedBuilder _builder;

    public ChangeFeedSubscription(ChangeFeedBuilder builder)
    {
        _builder = builder;
        Name = SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await _builder.BuildUpToAsync(page.SequenceCeiling, cancellationToken);
        return Nothing.Instance;
    }

    private sealed class Nothing : IChangeListener
    {
        public static readonly Nothing Instance = new();

        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
