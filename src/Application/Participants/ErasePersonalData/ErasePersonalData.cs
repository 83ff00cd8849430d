using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Application.Participants.ErasePersonalData;

/// <summary>
/// DfE erases a person's personal data (UK GDPR Article 17; issue 30, ADR 0040): their name, email, TRN, date
/// of birth and NI number, in every event and view, under the id and any id retired into it. One transaction:
/// the events' values nulled, the person's key destroyed, and a <see cref="PersonalDataErased"/> recording
/// why, on whose authority, and the commitments the sealed leaves hold. The payment facts stay.
/// </summary>
public sealed record ErasePersonalData(Caller Caller, Guid ParticipantId, string? Reason) : ICommand<ParticipantView>, IAdminRequest;

/// <summary>The sealed log's side of an erasure (Infrastructure): what to null and the commitments to record.</summary>
public interface IPersonalDataEraser
{
    /// <summary>
    /// Queues, on the session, the nulling of the people's personal values in every event and the deletion of
    /// their keys; returns the values erased, and the events sealed before commitments with the hash their
    /// leaves hold. Refuses (<see cref="ConflictException"/>) while one of those events is not yet sealed, or
    /// when one no longer matches its leaf.
    /// </summary>
    Task<(IReadOnlyList<ErasedValue> Values, IReadOnlyList<ErasedPlainEvent> SealedPlain)> QueueErasureAsync(IDocumentSession session, IReadOnlyCollection<Guid> people, IReadOnlyCollection<Guid> applications,
        CancellationToken cancellationToken);
}

public sealed class ErasePersonalDataHandler(IDocumentSession session, IWriteLocks locks, IPersonalDataEraser eraser, TimeProvider time)
    : ICommandHandler<ErasePersonalData, ParticipantView>
{
    public async ValueTask<ParticipantView> Handle(ErasePersonalData command, CancellationToken cancellationToken)
    {
        await locks.LockParticipantAsync(session, command.ParticipantId, cancellationToken);
        var person = await session.LoadAsync<ParticipantView>(command.ParticipantId, cancellationToken) ?? throw new ResourceNotFoundException();
        if (person.RetiredInto is not null)
            throw new RuleViolationException("participant_id", "This participant id has been retired: erase the person it was retired into");

        // The person under every id they had: ids retired into this one hold the same person's data.
        var people = person.ParticipantIdChanges.Where(c => c.ToParticipantId == person.Id).Select(c => c.FromParticipantId).Append(person.Id).Distinct().ToList();
        var (values, sealedPlain) = await eraser.QueueErasureAsync(session, people, person.ApplicationIds, cancellationToken);
        if (values.Count == 0)
            throw new RuleViolationException("participant_id", "The participant holds no personal data to erase");

        // Places held under the TRN (§8) go with it; those held under the person stay.
        foreach (var applicationId in person.ApplicationIds)
        {
            if (person.VerifiedTrn() is { } trn && await session.LoadAsync<ApplicationView>(applicationId, cancellationToken) is { Status: ApplicationStatus.Accepted } application)
                session.Delete<AcceptedPlaceReservation>(AcceptedPlaceReservation.KeysFor(person.Id, trn, application.CourseIdentifier, $"{application.Cohort}{application.CohortSuffix}").Last());
        }

        // The emails sent to the person (the sandbox mailer's record) go too.
        session.DeleteWhere<Registration.SentEmail>(e => people.Contains(e.ParticipantId));

        var by = command.Caller.Name ?? command.Caller.Kind.ToString();
        session.Events.Append(person.Id, new PersonalDataErased(person.Id, command.Reason!.Trim(), by, values, time.GetUtcNow(), sealedPlain));
        await session.SaveChangesAsync(cancellationToken);
        return (await session.SavedParticipantAsync(person.Id, cancellationToken))!;
    }
}

public sealed class ErasePersonalDataValidator : AbstractValidator<ErasePersonalData>
{
    public ErasePersonalDataValidator()
    {
        RuleFor(x => x.Reason).WireText("reason").NotEmpty().WithMessage("Say why the personal data is erased (the request it answers)")
            .MaximumLength(500).WithMessage("The reason must be 500 characters or fewer");
    }
}
