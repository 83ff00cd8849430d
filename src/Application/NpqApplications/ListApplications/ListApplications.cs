using Mediator;
using Npq.Application.Common;

namespace Npq.Application.NpqApplications.ListApplications;

/// <summary>
/// The caller's applications, oldest first unless sorted (CONTRACT §1.6–§1.8). A null
/// <see cref="Page"/> returns every row (the CSV endpoints).
/// </summary>
public sealed record ListApplications(
    Caller Caller,
    IReadOnlyList<int>? Cohorts,
    DateTimeOffset? UpdatedSince,
    IReadOnlyList<Guid>? ParticipantIds,
    IReadOnlyList<SortField> Sort,
    Page? Page) : IQuery<IReadOnlyList<ApplicationView>>, ILeadProviderRequest;
