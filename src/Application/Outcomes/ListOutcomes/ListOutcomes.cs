using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Participants;

namespace Npq.Application.Outcomes.ListOutcomes;

/// <summary>Outcomes on declarations the caller created (§1.12, §3.11), oldest first; <c>created_since</c>.</summary>
public sealed record ListOutcomes(Caller Caller, DateTimeOffset? CreatedSince, Page Page) : IQuery<IReadOnlyList<OutcomeView>>, ILeadProviderRequest;

public sealed class ListOutcomesHandler(IQuerySession session) : IQueryHandler<ListOutcomes, IReadOnlyList<OutcomeView>>
{
    public async ValueTask<IReadOnlyList<OutcomeView>> Handle(ListOutcomes query, CancellationToken cancellationToken)
    {
        var providerId = query.Caller.ProviderId;
        var outcomes = session.Query<OutcomeView>().Where(o => o.LeadProviderId == providerId);
        if (query.CreatedSince is { } since)
            outcomes = outcomes.Where(o => o.CreatedAt >= since);
        return await outcomes.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Skip(query.Page.Skip).Take(query.Page.Size).ToListAsync(cancellationToken);
    }
}

/// <summary>One participant's outcomes; with <see cref="GoneForRetired"/>, a retired id is a 410.</summary>
public sealed record ListParticipantOutcomes(Caller Caller, Guid ParticipantId, bool GoneForRetired, Page Page) : IQuery<IReadOnlyList<OutcomeView>>, ILeadProviderRequest;

public sealed class ListParticipantOutcomesHandler(IQuerySession session) : IQueryHandler<ListParticipantOutcomes, IReadOnlyList<OutcomeView>>
{
    public async ValueTask<IReadOnlyList<OutcomeView>> Handle(ListParticipantOutcomes query, CancellationToken cancellationToken)
    {
        var participant = await ParticipantAccess.LoadVisibleAsync(session, query.ParticipantId, query.Caller, query.GoneForRetired, cancellationToken);
        var providerId = query.Caller.ProviderId;
        var participantId = participant.Id;
        return await session.Query<OutcomeView>()
            .Where(o => o.LeadProviderId == providerId && o.ParticipantId == participantId)
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id)
            .Skip(query.Page.Skip).Take(query.Page.Size)
            .ToListAsync(cancellationToken);
    }
}
