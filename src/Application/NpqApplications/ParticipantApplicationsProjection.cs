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
            .Distinct()
            .ToArray();
        var streamIds = relevant.Select(e => e.StreamId).Distinct().ToArray();

        // The people are those the events name and those whose applications the events are on: one
        // round trip reads all their applications and all of them (issue 27: a write's reads in one batch).
        // The ids are gathered into one array first (an init plan), so each read is one index look-up:
        // "x = any(…) or x in (select …)" would scan the table.
        var batch = operations.CreateBatchQuery();
        var applicationsOf = batch.Query<ApplicationView>(
            $"where participant_id = any(?::uuid[] || array(select participant_id from {Table<ApplicationView>(operations)} where id = any(?)))",
            participantIds, streamIds);
        var people = batch.Query<ParticipantView>(
            $"where id = any(?::uuid[] || array(select participant_id from {Table<ApplicationView>(operations)} where id = any(?)))",
            participantIds, streamIds);
        await batch.Execute(cancellation);
        var applications = await applicationsOf;
        var participants = await people;

        var projector = new ParticipantApplicationsProjector(participants, applications);
        foreach (var e in relevant)
            projector.Apply(e.StreamId, e.Data);

        ProjectedViews.Record(operations, projector.ChangedParticipants, projector.ChangedApplications);
        if (projector.ChangedParticipants.Count > 0)
            operations.Store(projector.ChangedParticipants.ToArray());
        if (projector.ChangedApplications.Count > 0)
            operations.Store(projector.ChangedApplications.ToArray());
    }

    /// <summary>The table Marten keeps a document type in (schema included).</summary>
    private static string Table<T>(IDocumentOperations operations) =>
        operations.DocumentStore.Options.Schema.For<T>(qualified: true);
}
