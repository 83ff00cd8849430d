using Npq.Application.Participants;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Application.NpqApplications;

/// <summary>A person's identity: DfE's changes to their own facts, the move of an application to another person, and id changes.</summary>
public sealed partial class ParticipantApplicationsProjector
{
    /// <summary>
    /// A DfE change of the person's own facts: shown on the participant and on each of their
    /// applications (every version's email, name and TRN come from the person), a significant change (§1.11).
    /// </summary>
    private void ChangePerson(Guid participantId, DateTimeOffset at, Action<ParticipantView> person, Action<ApplicationView> application)
    {
        var participant = Participant(participantId);
        person(participant);
        foreach (var view in ApplicationsOf(participantId))
        {
            application(view);
            _changedApplications.Add(view);
        }

        TouchParticipantViews(participant, at, significant: true);
    }

    private void Move(Guid applicationId, ApplicationParticipantChanged e)
    {
        var application = _applications[applicationId];
        var from = Participant(e.FromParticipantId);
        var to = Participant(e.ToParticipantId);
        if (_byParticipant.TryGetValue(from.Id, out var list))
            list.RemoveAll(a => a.Id == applicationId);
        from.ApplicationIds.Remove(applicationId);
        application.ParticipantId = to.Id;
        (application.FullName, application.Email, application.TeacherReferenceNumber, application.TeacherReferenceNumberValidated) =
            (to.FullName, to.Email, to.TeacherReferenceNumber, to.TeacherReferenceNumberVerified);
        Add(application);
        if (!to.ApplicationIds.Contains(applicationId))
            to.ApplicationIds.Add(applicationId);
        application.Touch(e.At);
        _changedApplications.Add(application);
        TouchParticipantViews(from, e.At, significant: true);
        TouchParticipantViews(to, e.At, significant: true);
        RecomputeFunding(from.Id);
        RecomputeFunding(to.Id);
    }

    private void Apply(Guid streamId, ParticipantIdChanged e)
    {
        var participant = Participant(streamId);
        var change = new ParticipantIdChange(e.FromParticipantId, e.ToParticipantId, e.At);
        if (!participant.ParticipantIdChanges.Contains(change))
            participant.ParticipantIdChanges.Insert(0, change);
        if (streamId == e.ToParticipantId && _participants.TryGetValue(e.FromParticipantId, out var from))
        {
            // The person kept takes over the changes into the retired id, after this one (newest
            // first), as the reference moves them (issue 26: A→B then B→C shows [B→C, A→B]); a change
            // back from the kept id into the retired one would be circular, and is dropped.
            foreach (var earlier in from.ParticipantIdChanges.Where(c => !(c.FromParticipantId == e.ToParticipantId && c.ToParticipantId == e.FromParticipantId)))
            {
                if (!participant.ParticipantIdChanges.Contains(earlier))
                    participant.ParticipantIdChanges.Add(earlier);
            }
        }

        if (streamId == e.FromParticipantId)
            participant.RetiredInto = e.ToParticipantId;
        TouchParticipantViews(participant, e.At, significant: true);
    }
}
