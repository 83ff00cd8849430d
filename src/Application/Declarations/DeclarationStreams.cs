using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

public static class DeclarationStreams
{
    /// <summary>
    /// A declaration's stream for writing (Marten's <c>FetchForWriting</c>): its state and the version
    /// it was read at, so that a concurrent writer makes the commit fail; null for an unknown id.
    /// </summary>
    public static async Task<IEventStream<Declaration>?> FetchDeclarationAsync(this IDocumentSession session, Guid id, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForWriting<Declaration>(id, cancellationToken);
        return stream.Aggregate is null ? null : stream;
    }
}

/// <summary>How Marten builds a declaration's write model (registered live): the domain's own transitions.</summary>
public sealed class DeclarationAggregation : SingleStreamProjection<Declaration, Guid>
{
    public override Declaration? Evolve(Declaration? snapshot, Guid id, IEvent e) =>
        e.Data is DeclarationSubmitted submitted ? Declaration.Start(submitted) : snapshot?.Next(e.Data);
}
