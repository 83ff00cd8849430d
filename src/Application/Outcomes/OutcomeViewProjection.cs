using JasperFx.Events;
using JasperFx.Events.Grouping;
using Marten;
using Marten.Events.Projections;
using Npq.Application.Common;
using Npq.Domain.Declarations;

namespace Npq.Application.Outcomes;

/// <summary>
/// Marten's multi-stream aggregation of outcomes: one <see cref="OutcomeView"/> per
/// <see cref="OutcomeRecorded"/>, keyed by the outcome's id. An outcome shows facts of its declaration
/// (participant, provider, course), so each outcome's slice is the declaration's
/// <see cref="DeclarationSubmitted"/> followed by the outcome itself: taken from the same batch when the
/// declaration was submitted with its outcome, otherwise read from the event log. It reads events only,
/// never another read model, so a rebuild does not depend on the order projections are rebuilt in.
/// </summary>
public sealed class OutcomeViewProjection : MultiStreamProjection<OutcomeView, Guid>
{
    public OutcomeViewProjection()
    {
        Name = nameof(OutcomeViewProjection);
        foreach (var type in Events.Types)
            IncludeType(type);
        CustomGrouping(GroupAsync);
    }

    /// <summary>The events that make an outcome (its declaration's submission carries what the outcome shows).</summary>
    public static EventSet Events { get; } = new(typeof(DeclarationSubmitted), typeof(OutcomeRecorded));

    private static async Task GroupAsync(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<Guid> grouping)
    {
        var recorded = events.Where(e => e.Data is OutcomeRecorded).ToList();
        if (recorded.Count == 0)
            return;

        var submissions = events.Where(e => e.Data is DeclarationSubmitted).ToDictionary(e => e.StreamId);
        var missing = recorded.Select(e => e.StreamId).Where(id => !submissions.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var stored = await session.Events.QueryAllRawEvents()
                .Where(e => missing.Contains(e.StreamId))
                .Where(e => e.Version == 1) // a declaration's stream starts with its submission
                .ToListAsync();
            foreach (var e in stored.Where(e => e.Data is DeclarationSubmitted))
                submissions[e.StreamId] = e;
        }

        foreach (var e in recorded)
        {
            var outcomeId = ((OutcomeRecorded)e.Data).OutcomeId;
            grouping.AddEvent(outcomeId, submissions.TryGetValue(e.StreamId, out var submission)
                ? submission
                : throw new InvalidOperationException($"Outcome {outcomeId} names declaration {e.StreamId}, which has no submission in the log."));
            grouping.AddEvent(outcomeId, e);
        }
    }

    /// <summary>
    /// The two events of a slice fill disjoint fields, so the result does not depend on their order
    /// (Marten orders a slice by sequence, and events not yet committed carry none).
    /// </summary>
    public override OutcomeView? Evolve(OutcomeView? snapshot, Guid id, IEvent e)
    {
        switch (e.Data)
        {
            case DeclarationSubmitted s:
                snapshot ??= new OutcomeView { Id = id };
                (snapshot.DeclarationId, snapshot.ParticipantId, snapshot.LeadProviderId, snapshot.CourseIdentifier) =
                    (s.DeclarationId, s.ParticipantId, s.LeadProviderId, s.CourseIdentifier);
                break;
            case OutcomeRecorded r:
                snapshot ??= new OutcomeView { Id = id };
                (snapshot.State, snapshot.CompletionDate, snapshot.CreatedAt) = (r.State, r.CompletionDate, r.At);
                break;
        }

        return snapshot;
    }
}
