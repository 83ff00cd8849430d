using Mediator;
using Npq.Application.Common;

namespace Npq.Application.NpqApplications.ListApplications;

/// <summary>
/// The caller's applications, oldest first unless sorted (CONTRACT §1.6–§1.8). A null
/// <see cref="Page"/> returns every row at once; <see cref="StreamApplications"/> reads them one by one.
/// </summary>
public sealed record ListApplications(
    Caller Caller,
    IReadOnlyList<int>? Cohorts,
    DateTimeOffset? UpdatedSince,
    IReadOnlyList<Guid>? ParticipantIds,
    IReadOnlyList<SortField> Sort,
    Page? Page) : IQuery<IReadOnlyList<ApplicationView>>, ILeadProviderRequest;

/// <summary>
/// Every application that <see cref="Filters"/> selects, in its order, read from PostgreSQL as the
/// caller consumes them (the CSV endpoints write each row as it is read; memory does not grow with rows).
/// </summary>
public sealed record StreamApplications(ListApplications Filters) : IQuery<IAsyncEnumerable<ApplicationView>>, ILeadProviderRequest
{
    public Caller Caller => Filters.Caller;
}

/// <summary>
/// The page (or every row) that <see cref="Filters"/> selects, as the stored JSON of each
/// <see cref="ApplicationView"/>: the list endpoints rewrite it into each version's JSON without
/// building the view (issue 13).
/// </summary>
public sealed record ListApplicationsJson(ListApplications Filters) : IQuery<IAsyncEnumerable<byte[]>>, ILeadProviderRequest
{
    public Caller Caller => Filters.Caller;
}
