using Marten;
using Mediator;
using Npq.Application.Common;

namespace Npq.Application.NpqApplications.ListApplications;

public sealed class ListApplicationsHandler(IQuerySession session, IStoredJsonReader storedJson)
    : IQueryHandler<ListApplications, IReadOnlyList<ApplicationView>>, IQueryHandler<StreamApplications, IAsyncEnumerable<ApplicationView>>,
      IQueryHandler<ListApplicationsJson, IAsyncEnumerable<byte[]>>
{
    public async ValueTask<IReadOnlyList<ApplicationView>> Handle(ListApplications query, CancellationToken cancellationToken)
    {
        var ordered = Select(session, query);
        if (query.Page is { } page)
            return await ordered.Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken);
        return await ordered.ToListAsync(cancellationToken);
    }

    public ValueTask<IAsyncEnumerable<ApplicationView>> Handle(StreamApplications query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Select(session, query.Filters).ToAsyncEnumerable(cancellationToken));

    public ValueTask<IAsyncEnumerable<byte[]>> Handle(ListApplicationsJson query, CancellationToken cancellationToken)
    {
        IQueryable<ApplicationView> ordered = Select(session, query.Filters);
        if (query.Filters.Page is { } page)
            ordered = ordered.Skip(page.Skip).Take(page.Size);
        return ValueTask.FromResult(storedJson.Rows(session, ordered, cancellationToken));
    }

    private static IQueryable<ApplicationView> Select(IQuerySession session, ListApplications query)
    {
        var providerId = query.Caller.ProviderId;
        var applications = session.Query<ApplicationView>().Where(a => a.LeadProviderId == providerId);

        if (query.Cohorts is { Count: > 0 } cohorts)
            applications = applications.Where(a => cohorts.Contains(a.Cohort));
        if (query.UpdatedSince is { } since)
            applications = applications.Where(a => a.UpdatedAt >= since);
        if (query.ParticipantIds is { } participantIds) // a filter that names no id (",") matches nothing, as the reference's does
            applications = applications.Where(a => participantIds.Contains(a.ParticipantId));

        return ApplicationOrdering.Apply(applications, query.Sort);
    }
}
