using Marten;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Participants;

/// <summary>A participant as one provider sees it: the person and their accepted applications with that provider.</summary>
public sealed record ParticipantResult(ParticipantView Participant, IReadOnlyList<ApplicationView> Enrolments)
{
    /// <summary>The id changes shown: all of them, or those a <c>from_participant_id</c> filter kept.</summary>
    public IReadOnlyList<ParticipantIdChange> IdChanges { get; init; } = Participant.ParticipantIdChanges;

    /// <summary>The <c>updated_at</c> shown: the stored one, or, in a filtered list, the latest of what is shown (as the reference computes it).</summary>
    public DateTimeOffset UpdatedAt { get; init; } = Participant.UpdatedAt;
}

/// <summary>Scoping of participants (CONTRACT §1.12): only people with an accepted application with the caller.</summary>
public static class ParticipantAccess
{
    /// <summary>
    /// The caller's participant, or 404; a retired id is a 410 when <paramref name="goneForRetired"/>
    /// (when the caller asks for it: reads of the current API) and a 404 otherwise.
    /// </summary>
    public static async Task<ParticipantView> LoadVisibleAsync(IQuerySession session, Guid id, Caller caller, bool goneForRetired, CancellationToken cancellationToken)
    {
        var participant = await session.LoadAsync<ParticipantView>(id, cancellationToken) ?? throw new ResourceNotFoundException();
        if (participant.RetiredInto is { } successor)
        {
            var visible = goneForRetired && await session.LoadAsync<ParticipantView>(successor, cancellationToken) is { } next
                          && next.EnrolmentKeys.Contains(caller.ProviderId.ToString());
            // The one change from this id, as the reference answers (issue 26), not the changes into it.
            // A provider that cannot see the successor gets the 404 of an unknown id: that the id was
            // retired, and into whom, is not told to a stranger (ADR 0026).
            throw visible
                ? new ParticipantIdChangedException(participant.ParticipantIdChanges.Where(c => c.FromParticipantId == id).ToList())
                : new ResourceNotFoundException();
        }

        if (!participant.EnrolmentKeys.Contains(caller.ProviderId.ToString()))
            throw new ResourceNotFoundException();
        return participant;
    }

    public static async Task<ParticipantResult> ResultAsync(IQuerySession session, ParticipantView participant, Guid providerId, CancellationToken cancellationToken)
    {
        var participantId = participant.Id;
        var enrolments = await session.Query<ApplicationView>()
            .Where(a => a.ParticipantId == participantId && a.LeadProviderId == providerId && a.Status == ApplicationStatus.Accepted)
            .OrderBy(a => a.AcceptedAt).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return new ParticipantResult(participant, enrolments);
    }
}
