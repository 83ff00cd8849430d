using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npq.Application.Participants;

namespace Npq.Application.NpqApplications;

/// <summary>
/// Inline projection of the participant and application streams into <see cref="ParticipantView"/>
/// and <see cref="ApplicationView"/>. A person's facts show on each of their applications, and an
/// application's changes move the person's other views (CONTRACT §1.11), so one projection keeps
/// both: per batch it loads the views of every person the events touch, applies the events in order
/// in memory (<see cref="ParticipantApplicationsProjector"/>) and stores what changed.
/// Writers serialise per person (see <c>IWriteLocks</c>), so two batches never interleave their
/// read-modify-write of one person's views. A rebuild does not replay this class: it folds the same
/// projector people by people and writes with <c>COPY</c> (<c>PersonViewsBulkRebuild</c>, ADR 0028).
/// </summary>
public sealed class ParticipantApplicationsProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var relevant = events.Where(e => ParticipantApplicationsProjector.Events.Contains(e.Data)).ToList();
        if (relevant.Count == 0)
            return;

        var participantIds = relevant
            .SelectMany(e => ParticipantApplicationsProjector.ParticipantsOf(e.Data))
            .ToHashSet();
        var streamIds = relevant.Select(e => e.StreamId).Distinct().ToList();

        var named = await operations.Query<ApplicationView>()
            .Where(a => streamIds.Contains(a.Id))
            .ToListAsync(cancellation);
        participantIds.UnionWith(named.Select(a => a.ParticipantId));

        var ids = participantIds.ToList();
        var applications = await operations.Query<ApplicationView>()
            .Where(a => ids.Contains(a.ParticipantId))
            .ToListAsync(cancellation);
        var participants = await operations.LoadManyAsync<ParticipantView>(cancellation, ids);

        var projector = new ParticipantApplicationsProjector(participants, applications);
        foreach (var e in relevant)
            projector.Apply(e.StreamId, e.Data);

        if (projector.ChangedParticipants.Count > 0)
            operations.Store(projector.ChangedParticipants.ToArray());
        if (projector.ChangedApplications.Count > 0)
            operations.Store(projector.ChangedApplications.ToArray());
    }
}
