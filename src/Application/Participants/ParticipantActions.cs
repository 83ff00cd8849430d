using JasperFx.Events;
using Marten;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Participants;

/// <summary>The common part of defer, resume, withdraw and change-schedule (CONTRACT §3.4).</summary>
public static class ParticipantActions
{
    /// <summary>
    /// 404 unless the participant has an accepted application with the caller (a retired id too);
    /// then the person's lock; then <c>course_identifier</c> must be known and (g) the participant
    /// must have an accepted application with the caller for exactly that course.
    /// </summary>
    public static async Task<(ParticipantView Participant, IEventStream<NpqApplication> Stream, ApplicationView View)> LoadTargetAsync(
        IDocumentSession session, IWriteLocks locks, Caller caller, Guid participantId, string? courseIdentifier, CancellationToken cancellationToken)
    {
        var participant = await ParticipantAccess.LoadVisibleAsync(session, participantId, caller, goneForRetired: false, cancellationToken);
        await locks.LockParticipantAsync(session, participant.Id, cancellationToken);

        if (Courses.Find(courseIdentifier) is null)
            throw new RuleViolationException("course_identifier", "The entered '#/course_identifier' is not recognised for this participant. Check details and try again.");
        var providerId = caller.ProviderId;
        var view = await session.Query<ApplicationView>()
            .Where(a => a.ParticipantId == participantId && a.LeadProviderId == providerId && a.Status == ApplicationStatus.Accepted
                        && a.CourseIdentifier == courseIdentifier)
            .OrderByDescending(a => a.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken)
                   ?? throw new RuleViolationException("participant_id",
                       "There is no accepted application for this '#/participant_id' and '#/course_identifier': check details and try again");
        return (participant, await session.FetchApplicationAsync(view.Id, cancellationToken), view);
    }
}
