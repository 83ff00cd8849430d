using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Application.Participants.ChangeParticipantId;

/// <summary>
/// DfE retires participant id <see cref="From"/> in favour of <see cref="To"/> (B8): a merge of
/// duplicate accounts when <see cref="To"/> exists, a plain id change otherwise. The person's
/// applications move to <see cref="To"/>; reads by the old id may answer 410 (§1.5).
/// </summary>
public sealed record ChangeParticipantId(Caller Caller, Guid From, Guid To) : ICommand<ParticipantView>, IAdminRequest;

public sealed class ChangeParticipantIdHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<ChangeParticipantId, ParticipantView>
{
    public async ValueTask<ParticipantView> Handle(ChangeParticipantId command, CancellationToken cancellationToken)
    {
        if (command.To == Guid.Empty)
            throw new RuleViolationException("to_participant_id", "Enter the participant ID to change to");
        if (command.From == command.To)
            throw new RuleViolationException("to_participant_id", "The new participant id must differ from the old one");
        await locks.LockParticipantsAsync(session, [command.From, command.To], cancellationToken);
        var from = await session.LoadAsync<ParticipantView>(command.From, cancellationToken) ?? throw new ResourceNotFoundException();
        if (from.RetiredInto is not null)
            throw new RuleViolationException("from_participant_id", "This participant id has already been retired");
        var to = await session.LoadAsync<ParticipantView>(command.To, cancellationToken);
        if (to?.RetiredInto is not null)
            throw new RuleViolationException("to_participant_id", "The new participant id has been retired");

        var now = time.GetUtcNow();
        if (to is null)
        {
            var registered = (await session.Events.FetchStreamAsync(command.From, token: cancellationToken))
                .Select(e => e.Data).OfType<ParticipantRegistered>().First();
            // The new id starts from the person as they are now, not as they registered: DfE may have
            // changed their name, email or TRN since.
            session.Events.StartStream(command.To, registered with
            {
                ParticipantId = command.To, RegisteredAt = now, FullName = from.FullName, Email = from.Email ?? registered.Email,
                TeacherReferenceNumber = from.TeacherReferenceNumber, TeacherReferenceNumberVerified = from.TeacherReferenceNumberVerified,
            });
            if (from.Email is null)
                session.Events.Append(command.To, new ParticipantEmailChanged(command.To, null, now));
            if (from.PreviousNames.Count > 0)
                session.Events.Append(command.To, new ParticipantNameChanged(command.To, from.FullName, from.PreviousNames, now));
        }

        var change = new ParticipantIdChanged(command.From, command.From, command.To, now);
        session.Events.Append(command.From, change);
        session.Events.Append(command.To, change with { ParticipantId = command.To });

        var fromTrn = from.VerifiedTrn();
        var toTrn = to.VerifiedTrn() ?? fromTrn;
        foreach (var applicationId in from.ApplicationIds)
        {
            var stream = await session.FetchApplicationAsync(applicationId, cancellationToken);
            var application = stream.State();
            stream.AppendOne(new ApplicationParticipantChanged(applicationId, command.From, command.To, now));
            if (application is { Status: ApplicationStatus.Accepted, TrainingStatus: not TrainingStatus.Withdrawn })
            {
                // The person's accepted place moves to the new id.
                foreach (var key in AcceptedPlaceReservation.KeysFor(command.From, fromTrn, application.CourseIdentifier, application.CohortId))
                    session.Delete<AcceptedPlaceReservation>(key);
                foreach (var key in AcceptedPlaceReservation.KeysFor(command.To, toTrn, application.CourseIdentifier, application.CohortId))
                    session.Insert(new AcceptedPlaceReservation { Id = key, ApplicationId = applicationId, ReservedAt = now });
            }
        }

        await session.SaveChangesOrRefuseAsync("to_participant_id", "Both participants have an accepted application in the same course family and cohort: reject or withdraw one first", cancellationToken);

        return (await session.SavedParticipantAsync(command.To, cancellationToken))!;
    }
}
