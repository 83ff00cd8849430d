using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Participants.ListParticipants;

/// <summary>The caller's participants (§2.5, §1.12): filters, sort, paging. Two queries per page.</summary>
public sealed record ListParticipants(
    Caller Caller,
    DateTimeOffset? UpdatedSince,
    string? TrainingStatus,
    Guid? FromParticipantId,
    IReadOnlyList<SortField> Sort,
    Page Page) : IQuery<IReadOnlyList<ParticipantResult>>, ILeadProviderRequest;

public sealed class ListParticipantsHandler(IQuerySession session) : IQueryHandler<ListParticipants, IReadOnlyList<ParticipantResult>>
{
    public async ValueTask<IReadOnlyList<ParticipantResult>> Handle(ListParticipants query, CancellationToken cancellationToken)
    {
        var providerId = query.Caller.ProviderId;
        var key = query.TrainingStatus is { } status ? $"{providerId}:{status}" : providerId.ToString();
        var participants = session.Query<ParticipantView>().Where(p => p.EnrolmentKeys.Contains(key));
        if (query.UpdatedSince is { } since)
            participants = participants.Where(p => p.UpdatedAt >= since);
        if (query.FromParticipantId is { } from)
            participants = participants.Where(p => p.ParticipantIdChanges.Any(c => c.FromParticipantId == from));

        IOrderedQueryable<ParticipantView>? ordered = null;
        foreach (var (field, descending) in query.Sort)
        {
            System.Linq.Expressions.Expression<Func<ParticipantView, DateTimeOffset>>? sortKey = field switch
            {
                "created_at" => p => p.CreatedAt,
                "updated_at" => p => p.UpdatedAt,
                _ => null,
            };
            if (sortKey is null)
                continue;
            ordered = ordered is null
                ? descending ? participants.OrderByDescending(sortKey) : participants.OrderBy(sortKey)
                : descending ? ordered.ThenByDescending(sortKey) : ordered.ThenBy(sortKey);
        }

        ordered = (ordered ?? participants.OrderBy(p => p.CreatedAt)).ThenBy(p => p.Id);
        var page = await ordered.Skip(query.Page.Skip).Take(query.Page.Size).ToListAsync(cancellationToken);
        var ids = page.Select(p => p.Id).ToList();
        var enrolments = ids.Count == 0
            ? []
            : await session.Query<ApplicationView>()
                .Where(a => ids.Contains(a.ParticipantId) && a.LeadProviderId == providerId && a.Status == ApplicationStatus.Accepted)
                .ToListAsync(cancellationToken);
        var byParticipant = enrolments.OrderBy(a => a.AcceptedAt).ThenBy(a => a.Id).ToLookup(a => a.ParticipantId);
        return page.Select(p => Shown(p, byParticipant[p.Id].ToList(), query)).ToList();
    }

    /// <summary>
    /// As the reference shows a filtered list (issue 26): a <c>training_status</c> filter keeps only the
    /// enrolments in that status, a <c>from_participant_id</c> filter only the id changes from that id,
    /// and <c>updated_at</c> is then the latest of the person's significant change, the enrolments and
    /// the id changes shown.
    /// </summary>
    private static ParticipantResult Shown(ParticipantView participant, List<ApplicationView> enrolments, ListParticipants query)
    {
        if (query.TrainingStatus is null && query.FromParticipantId is null)
            return new ParticipantResult(participant, enrolments);
        var shownEnrolments = query.TrainingStatus is { } status
            ? enrolments.Where(a => string.Equals(a.TrainingStatus?.ToString(), status, StringComparison.OrdinalIgnoreCase)).ToList()
            : enrolments;
        var shownChanges = query.FromParticipantId is { } from
            ? participant.ParticipantIdChanges.Where(c => c.FromParticipantId == from).ToList()
            : participant.ParticipantIdChanges;
        var updatedAt = shownEnrolments.Select(a => a.UpdatedAt).Concat(shownChanges.Select(c => c.ChangedAt))
            .Append(participant.SignificantlyUpdatedAt).Max();
        return new ParticipantResult(participant, shownEnrolments) { IdChanges = shownChanges, UpdatedAt = updatedAt };
    }
}

/// <summary>One participant; with <see cref="GoneForRetired"/>, a retired id is a 410 (§1.5) rather than a 404.</summary>
public sealed record GetParticipant(Caller Caller, Guid Id, bool GoneForRetired) : IQuery<ParticipantResult>, ILeadProviderRequest;

public sealed class GetParticipantHandler(IQuerySession session) : IQueryHandler<GetParticipant, ParticipantResult>
{
    public async ValueTask<ParticipantResult> Handle(GetParticipant query, CancellationToken cancellationToken)
    {
        var participant = await ParticipantAccess.LoadVisibleAsync(session, query.Id, query.Caller, query.GoneForRetired, cancellationToken);
        return await ParticipantAccess.ResultAsync(session, participant, query.Caller.ProviderId, cancellationToken);
    }
}

/// <summary>
/// <c>npq-enrolments.csv</c>: the caller's accepted applications, <c>updated_since</c> only (§1.9),
/// read as the caller consumes them.
/// </summary>
public sealed record ListEnrolments(Caller Caller, DateTimeOffset? UpdatedSince) : IQuery<IAsyncEnumerable<ApplicationView>>, ILeadProviderRequest;

public sealed class ListEnrolmentsHandler(IQuerySession session) : IQueryHandler<ListEnrolments, IAsyncEnumerable<ApplicationView>>
{
    public ValueTask<IAsyncEnumerable<ApplicationView>> Handle(ListEnrolments query, CancellationToken cancellationToken)
    {
        var providerId = query.Caller.ProviderId;
        var enrolments = session.Query<ApplicationView>().Where(a => a.LeadProviderId == providerId && a.Status == ApplicationStatus.Accepted);
        if (query.UpdatedSince is { } since)
            enrolments = enrolments.Where(a => a.UpdatedAt >= since);
        return ValueTask.FromResult(enrolments.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToAsyncEnumerable(cancellationToken));
    }
}
