using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Changes;

/// <summary>
/// One change a provider can see (issue 19, ADRs 0023 and 0024): the item's own id, its place in the
/// provider's feed (contiguous, increasing), what changed in the provider's view and when.
/// </summary>
public sealed record ChangeItem(
    Guid Id, long Position, string Type, string ResourceType, Guid ResourceId, Guid? ParticipantId, DateTimeOffset OccurredAt);

/// <param name="Epoch">The feed's epoch: one more after each recorded restore (ADR 0033); a cursor of another epoch is void.</param>
public sealed record ChangesPage(IReadOnlyList<ChangeItem> Items, long Head, int Epoch);

/// <summary>The provider-scoped change feed (implemented in Infrastructure).</summary>
public interface IChangeFeed
{
    /// <summary>Items after <paramref name="after"/>, in position order, and the provider's head.</summary>
    Task<ChangesPage> ReadAsync(Guid providerId, long after, int limit, CancellationToken cancellationToken);
}

/// <summary>A page of the caller's changes after a position (the API turns positions into opaque cursors).</summary>
/// <param name="Epoch">The epoch of the cursor the position came from; null without a cursor.</param>
public sealed record ListChanges(Caller Caller, long After, int Limit, int? Epoch = null) : IQuery<ChangesPage>, ILeadProviderRequest;

public sealed class ListChangesHandler(IChangeFeed feed) : IQueryHandler<ListChanges, ChangesPage>
{
    public async ValueTask<ChangesPage> Handle(ListChanges query, CancellationToken cancellationToken)
    {
        var page = await feed.ReadAsync(query.Caller.ProviderId, query.After, query.Limit, cancellationToken);
        // After a restore is recorded the feed has a new epoch (ADR 0033): a cursor from before it may point
        // anywhere in a history that was given up, even below the head, so every one of them is void.
        if (query.Epoch is { } epoch && epoch != page.Epoch)
        {
            throw new GoneException("cursor",
                "This cursor is from before the service's data was restored to an earlier moment. Resync: ask again without a cursor and rebuild your copy.");
        }

        // A cursor is only ever given at or below the provider's head, and heads only grow, unless the
        // data was restored to an earlier moment (issue 28). Read on, the cursor would skip every change
        // made after the restore up to its old position without a word: the client must resync instead.
        if (query.After != long.MaxValue && query.After > page.Head)
        {
            throw new GoneException("cursor",
                "This cursor is ahead of your feed: the service's data was restored to an earlier moment. Resync: ask again without a cursor and rebuild your copy.");
        }

        return page;
    }
}
