using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Application.Participants.ChangePersonDetails;

// DfE's changes to a person's own facts (issue 26, docs/contract.md B8): each one event on the
// person's stream, shown on the participant and on every application of theirs, at every provider.

/// <summary>Change the person's email, or blank it (<c>null</c>) because a later participant uses the address.</summary>
public sealed record ChangeParticipantEmail(Caller Caller, Guid ParticipantId, string? Email) : ICommand<ParticipantView>, IAdminRequest;

/// <summary>Change the person's name; the name they had goes to the front of their previous names.</summary>
public sealed record ChangeParticipantName(Caller Caller, Guid ParticipantId, string? FullName) : ICommand<ParticipantView>, IAdminRequest;

/// <summary>Record a TRN allocated or verified after registration (a seven-digit number).</summary>
public sealed record VerifyParticipantTrn(Caller Caller, Guid ParticipantId, string? TeacherReferenceNumber) : ICommand<ParticipantView>, IAdminRequest;

public sealed class ChangePersonDetailsHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time)
    : ICommandHandler<ChangeParticipantEmail, ParticipantView>,
      ICommandHandler<ChangeParticipantName, ParticipantView>,
      ICommandHandler<VerifyParticipantTrn, ParticipantView>
{
    public async ValueTask<ParticipantView> Handle(ChangeParticipantEmail command, CancellationToken cancellationToken)
    {
        var email = string.IsNullOrWhiteSpace(command.Email) ? null : command.Email.Trim();
        var person = await LoadAsync(command.ParticipantId, cancellationToken);
        if (string.Equals(person.Email, email, StringComparison.Ordinal))
            throw new RuleViolationException("email", email is null ? "The email is already blank" : "The participant already has this email");
        session.Events.Append(person.Id, new ParticipantEmailChanged(person.Id, email, time.GetUtcNow()));
        return await SaveAsync(person.Id, cancellationToken);
    }

    public async ValueTask<ParticipantView> Handle(ChangeParticipantName command, CancellationToken cancellationToken)
    {
        var name = command.FullName!.Trim();
        var person = await LoadAsync(command.ParticipantId, cancellationToken);
        if (string.Equals(person.FullName, name, StringComparison.Ordinal))
            throw new RuleViolationException("full_name", "The participant already has this name");
        var previous = person.FullName is { } current ? new List<string> { current } : [];
        previous.AddRange(person.PreviousNames.Where(n => !string.Equals(n, person.FullName, StringComparison.Ordinal)));
        previous.RemoveAll(n => string.Equals(n, name, StringComparison.Ordinal));
        session.Events.Append(person.Id, new ParticipantNameChanged(person.Id, name, previous, time.GetUtcNow()));
        return await SaveAsync(person.Id, cancellationToken);
    }

    public async ValueTask<ParticipantView> Handle(VerifyParticipantTrn command, CancellationToken cancellationToken)
    {
        var trn = command.TeacherReferenceNumber!.Replace(" ", "", StringComparison.Ordinal);
        var person = await LoadAsync(command.ParticipantId, cancellationToken);
        if (person.TeacherReferenceNumberVerified && person.TeacherReferenceNumber == trn)
            throw new RuleViolationException("teacher_reference_number", "The participant already has this verified TRN");
        var now = time.GetUtcNow();
        session.Events.Append(person.Id, new ParticipantTrnVerified(person.Id, trn, now));

        // The TRN now links people (§8): the person's accepted places are held under it too, and a
        // second person with the same verified TRN and an accepted place in the same family and cohort is refused.
        var oldTrn = person.VerifiedTrn();
        foreach (var applicationId in person.ApplicationIds)
        {
            var application = (await session.LoadAsync<ApplicationView>(applicationId, cancellationToken))!;
            if (application is not { Status: ApplicationStatus.Accepted } || application.TrainingStatus == TrainingStatus.Withdrawn)
                continue;
            var cohortId = $"{application.Cohort}{application.CohortSuffix}";
            if (oldTrn is not null)
                session.Delete<AcceptedPlaceReservation>(AcceptedPlaceReservation.KeysFor(person.Id, oldTrn, application.CourseIdentifier, cohortId).Last());
            session.Insert(new AcceptedPlaceReservation
            {
                Id = AcceptedPlaceReservation.KeysFor(person.Id, trn, application.CourseIdentifier, cohortId).Last(),
                ApplicationId = application.Id,
                ReservedAt = now,
            });
        }

        await session.SaveChangesOrRefuseAsync("teacher_reference_number",
            "Another participant with this TRN has an accepted application in the same course family and cohort: merge them first", cancellationToken);
        return (await session.SavedParticipantAsync(person.Id, cancellationToken))!;
    }

    private async Task<ParticipantView> LoadAsync(Guid participantId, CancellationToken cancellationToken)
    {
        await locks.LockParticipantAsync(session, participantId, cancellationToken);
        var person = await session.LoadAsync<ParticipantView>(participantId, cancellationToken) ?? throw new ResourceNotFoundException();
        if (person.RetiredInto is not null)
            throw new RuleViolationException("participant_id", "This participant id has been retired: change the person it was retired into");
        return person;
    }

    private async Task<ParticipantView> SaveAsync(Guid participantId, CancellationToken cancellationToken)
    {
        await session.SaveChangesAsync(cancellationToken);
        return (await session.SavedParticipantAsync(participantId, cancellationToken))!;
    }
}

/// <summary>The input limits of the person's details, checked by <c>ValidationBehaviour</c> before the handlers.</summary>
public sealed class ChangeParticipantEmailValidator : AbstractValidator<ChangeParticipantEmail>
{
    public ChangeParticipantEmailValidator()
    {
        RuleFor(x => x.Email).WireText("email").Must(e => string.IsNullOrWhiteSpace(e) || (e.Contains('@', StringComparison.Ordinal) && e.Length <= 254))
            .WithMessage("Enter an email address, or leave it out to blank the email");
    }
}

public sealed class ChangeParticipantNameValidator : AbstractValidator<ChangeParticipantName>
{
    public ChangeParticipantNameValidator()
    {
        RuleFor(x => x.FullName).WireText("full_name").NotEmpty().WithMessage("Enter the participant's full name")
            .MaximumLength(128).WithMessage("The full name is at most 128 characters");
    }
}

public sealed class VerifyParticipantTrnValidator : AbstractValidator<VerifyParticipantTrn>
{
    public VerifyParticipantTrnValidator()
    {
        RuleFor(x => x.TeacherReferenceNumber).WireText("teacher_reference_number")
            .Must(t => t?.Replace(" ", "", StringComparison.Ordinal) is { Length: 7 } digits && digits.All(char.IsAsciiDigit) && digits != "0000000")
            .WithMessage("A TRN is seven digits (not 0000000)");
    }
}
