using Marten;
using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

public static class DeclarationStreams
{
    public static async Task<(Declaration State, long Version)?> LoadDeclarationAsync(this IDocumentSession session, Guid id, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        return Declaration.Fold(events.Select(e => e.Data)) is { } state ? (state, events[^1].Version) : null;
    }
}
