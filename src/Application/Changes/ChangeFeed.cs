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

public sealed record ChangesPage(IReadOnlyList<ChangeItem> Items, long Head);

/// <summary>The provider-scoped change feed (implemented in Infrastructure).</summary>
public interface IChangeFeed
{
    /// <summary>Items after <paramref name="after"/>, in position order, and the provider's head.</summary>
    Task<ChangesPage> ReadAsync(Guid providerId, long after, int limit, CancellationToken cancellationToken);
}

/// <summary>A page of the caller's changes after a position (the API turns positions into opaque cursors).</summary>
public sealed record ListChanges(Caller Caller, long After, int Limit) : IQuery<ChangesPage>, ILeadProviderRequest;

public sealed class ListChangesHandler(IChangeFeed feed) : IQueryHandler<ListChanges, ChangesPage>
{
    public async ValueTask<ChangesPage> Handle(ListChanges query, CancellationToken cancellationToken)
    {
        var page = await feed.ReadAsync(query.Caller.ProviderId, query.After, query.Limit, cancellationToken);
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
