using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Behaviours;
using Npq.Application.Common.Errors;
using Npq.Application.ReferenceData;
using Npq.Application.Registration;
using Npq.Domain.Courses;
using Npq.Domain.NpqApplications;
using Npq.Domain.Schedules;

namespace Npq.Application.NpqApplications.AcceptApplication;

/// <summary>
/// Decides an accept and, in one transaction: <see cref="ApplicationAccepted"/> on the application,
/// <see cref="ApplicationRejected"/> on every other application of the person for the same course
/// and cohort (any provider), and the reservations that make a second acceptance impossible.
/// </summary>
public sealed class AcceptApplicationHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time, IOutbox outbox)
    : ICommandHandler<AcceptApplication, ApplicationView>
{
    public async ValueTask<ApplicationView> Handle(AcceptApplication command, CancellationToken cancellationToken)
    {
        var (view, stream) = await session.LoadOwnedForWritingAsync(locks, command.Id, command.Caller, cancellationToken);
        var application = stream.State();
        var reference = await referenceData.GetAsync(cancellationToken);
        var cohort = reference.FindCohortById(application.CohortId)
                     ?? throw new InvalidOperationException($"Cohort {application.CohortId} is missing from the reference data.");
        var course = Courses.Get(application.CourseIdentifier);
        var verifiedTrn = view.VerifiedTrn();

        var requested = command.ScheduleIdentifier is { } identifier ? reference.FindSchedule(cohort.Id, identifier) : null;
        var cohortSchedules = reference.Schedules.Where(s => s.CohortId == cohort.Id).Select(s => s.Identifier).ToList();
        var defaultIdentifier = DefaultSchedule.For(course, cohort.StartYear, cohort.Suffix, time.Today(), cohortSchedules);

        // One query for the person's applications in the cohort (and those of anyone with the same
        // verified TRN): rule #4 reads the accepted ones, and the accept rejects the person's others
        // for the same course, at any provider and in any status (a rejected one gets the new reason).
        var participantId = application.ParticipantId;
        var inTheCohort = await session.Query<ApplicationView>()
            .Where(a => a.Id != application.Id && a.Cohort == application.Cohort && a.CohortSuffix == application.CohortSuffix)
            .Where(a => a.ParticipantId == participantId
                        || (verifiedTrn != null && a.TeacherReferenceNumberValidated && a.TeacherReferenceNumber == verifiedTrn))
            .ToListAsync(cancellationToken);
        var blocked = inTheCohort.Any(a => a.Status == ApplicationStatus.Accepted && a.TrainingStatus != TrainingStatus.Withdrawn
                                           && Courses.SameFamily(a.CourseIdentifier, application.CourseIdentifier));
        var others = inTheCohort.Where(a => a.ParticipantId == participantId && a.CourseIdentifier == application.CourseIdentifier)
            .Select(a => a.Id).ToList();

        var context = new AcceptContext(
            cohort.Funding,
            blocked,
            requested is null ? null : new ScheduleFacts(requested.Identifier, requested.CourseGroup),
            defaultIdentifier is not null && cohortSchedules.Contains(defaultIdentifier) ? defaultIdentifier : null,
            time.GetUtcNow(),
            others);
        var (outcome, errors) = AcceptApplicationDecision.Decide(
            application, new AcceptRequest(command.FundedPlace, command.ScheduleIdentifier), context);
        if (outcome is null)
            throw new RuleViolationException(errors);

        var accepted = outcome.Accepted;
        stream.AppendOne(accepted);
        foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, verifiedTrn, application.CourseIdentifier, application.CohortId))
            session.Insert(new AcceptedPlaceReservation { Id = key, ApplicationId = application.Id, ReservedAt = accepted.AcceptedAt });
        foreach (var rejection in outcome.Rejections)
        {
            var other = await session.FetchApplicationAsync(rejection.ApplicationId, cancellationToken);
            other.AppendOne(rejection);
            // An automatic effect: the system did it, because of this accept (the audit log reads it so).
            other.Events[^1].SetHeader(AuditHeaders.CausedByApplication, application.Id.ToString());
        }

        if (view.Email is { } email) // none once DfE blanked it
            await outbox.PublishAsync(new ParticipantEmailRequested(application.ParticipantId, application.Id, "application_accepted", email, accepted.AcceptedAt));
        // Another accept for this person (or this verified TRN) committed first.
        await session.SaveChangesOrRefuseAsync("application", "The participant has already had an application accepted for this course in this cohort", cancellationToken);

        return (await session.SavedApplicationAsync(application.Id, cancellationToken))!;
    }
}
