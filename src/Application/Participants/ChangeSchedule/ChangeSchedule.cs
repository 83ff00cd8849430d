using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.ReferenceData;
using Npq.Application.Registration.RegisterApplication;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Participants.ChangeSchedule;

/// <summary>Move a participant to another schedule, possibly in another cohort (CONTRACT §3.6).</summary>
public sealed record ChangeSchedule(Caller Caller, Guid ParticipantId, string? CourseIdentifier, string? ScheduleIdentifier, string? Cohort)
    : ICommand<ParticipantResult>, ILeadProviderRequest;

public sealed class ChangeScheduleHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time)
    : ICommandHandler<ChangeSchedule, ParticipantResult>
{
    private static readonly DeclarationState[] Live = DeclarationStates.Live.ToArray();

    public async ValueTask<ParticipantResult> Handle(ChangeSchedule command, CancellationToken cancellationToken)
    {
        var (participant, stream, view) = await ParticipantActions.LoadTargetAsync(
            session, locks, command.Caller, command.ParticipantId, command.CourseIdentifier, cancellationToken);
        var application = stream.State();
        var reference = await referenceData.GetAsync(cancellationToken);
        var current = reference.FindCohortById(application.CohortId)!;

        // Target cohort and schedule (docs/contract.md §3.6): a cohort named with its suffix is
        // taken as named (ADR 0026); a year, or no cohort (the current schedule's start year), is
        // searched latest suffix first for the schedule, as the reference does.
        var cohortGiven = !string.IsNullOrWhiteSpace(command.Cohort);
        var named = cohortGiven ? RegistrationInput.ParseCohort(command.Cohort) : (Year: current.StartYear, Suffix: (string?)null);
        Cohort? target;
        Schedule? schedule = null;
        if (named is { Suffix: { } suffix } withSuffix)
        {
            target = reference.FindCohortById($"{withSuffix.Year}{suffix}");
            if (target is not null && command.ScheduleIdentifier is { } identifier)
                schedule = reference.FindSchedule(target.Id, identifier);
        }
        else if (named is { } year)
        {
            var found = command.ScheduleIdentifier is { } identifier ? reference.FindScheduleInYear(year.Year, identifier) : null;
            target = found?.Cohort ?? reference.FindCohort(year.Year);
            schedule = found?.Schedule;
        }
        else
        {
            target = null;
        }

        var applicationId = application.Id;
        var live = await session.Query<DeclarationView>()
            .Where(d => d.ApplicationId == applicationId && Live.Contains(d.State))
            .ToListAsync(cancellationToken);

        var context = new ChangeScheduleContext(
            cohortGiven,
            target is null ? null : (target.StartYear, target.Suffix, target.Funding),
            current.Funding,
            command.ScheduleIdentifier,
            schedule is null ? null : new ScheduleTarget(schedule.Identifier, schedule.CourseGroup, schedule.AppliesFrom, schedule.AllowedDeclarationTypes),
            target is not null && await session.HasContractAsync(command.Caller.ProviderId, target.Id, application.CourseIdentifier, cancellationToken),
            live.Select(d => new LiveDeclaration(d.DeclarationType, d.DeclarationDate)).ToList(),
            time.GetUtcNow());
        var (changed, errors) = ChangeScheduleDecision.Decide(application, context);
        if (changed is null)
            throw new RuleViolationException(errors);

        stream.AppendOne(changed);
        var newCohortId = $"{changed.Cohort}{changed.CohortSuffix}";
        if (newCohortId != application.CohortId)
        {
            // The accepted place moves with the application.
            var trn = view.VerifiedTrn();
            foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, trn, application.CourseIdentifier, application.CohortId))
                session.Delete<AcceptedPlaceReservation>(key);
            foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, trn, application.CourseIdentifier, newCohortId))
                session.Insert(new AcceptedPlaceReservation { Id = key, ApplicationId = application.Id, ReservedAt = changed.At });
        }

        await session.SaveChangesOrRefuseAsync("cohort", "The participant already has an accepted application for this course family in that cohort", cancellationToken);

        var updated = (await session.SavedParticipantAsync(participant.Id, cancellationToken))!;
        return await ParticipantAccess.ResultAsync(session, updated, command.Caller.ProviderId, cancellationToken);
    }
}

/// <summary>The input limits of <see cref="ChangeSchedule"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class ChangeScheduleValidator : AbstractValidator<ChangeSchedule>
{
    public ChangeScheduleValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.ScheduleIdentifier).WireText("schedule_identifier");
        RuleFor(x => x.Cohort).WireText("cohort");
    }
}
