using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Participants.ChangeTrainingStatus;

public enum TrainingAction
{
    Defer,
    Resume,
    Withdraw,
}

/// <summary>
/// Defer, resume or withdraw a participant on one course (CONTRACT §3.5). <see cref="WithdrawalReasons"/> is the
/// list a withdrawal may give (the caller's: <see cref="TrainingReasons"/>).
/// </summary>
public sealed record ChangeTrainingStatus(Caller Caller, Guid ParticipantId, TrainingAction Action, string? CourseIdentifier, string? Reason, IReadOnlyList<string> WithdrawalReasons)
    : ICommand<ParticipantResult>, ILeadProviderRequest;

public sealed class ChangeTrainingStatusHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<ChangeTrainingStatus, ParticipantResult>
{
    public async ValueTask<ParticipantResult> Handle(ChangeTrainingStatus command, CancellationToken cancellationToken)
    {
        var (participant, stream, view) = await ParticipantActions.LoadTargetAsync(
            session, locks, command.Caller, command.ParticipantId, command.CourseIdentifier, cancellationToken);
        var application = stream.State();
        var applicationId = application.Id;
        var declarations = await session.Query<DeclarationView>().Where(d => d.ApplicationId == applicationId).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();

        var (change, errors) = command.Action switch
        {
            TrainingAction.Defer => TrainingStatusDecisions.Defer(application, command.Reason, declarations.Count > 0, now),
            TrainingAction.Resume => TrainingStatusDecisions.Resume(application, now),
            _ => TrainingStatusDecisions.Withdraw(application, command.Reason,
                command.WithdrawalReasons,
                declarations.Any(d => d.DeclarationType == DeclarationTypes.Started), now),
        };
        if (change is null)
            throw new RuleViolationException(errors);

        stream.AppendOne(change);
        var keys = AcceptedPlaceReservation.KeysFor(application.ParticipantId,
            view.VerifiedTrn(), application.CourseIdentifier, application.CohortId).ToList();
        if (change is ParticipantWithdrawn)
        {
            // A withdrawn application no longer blocks the course family and cohort (§3.1 #4).
            foreach (var key in keys)
                session.Delete<AcceptedPlaceReservation>(key);
        }
        else if (change is ParticipantResumed && application.TrainingStatus == TrainingStatus.Withdrawn)
        {
            foreach (var key in keys)
                session.Insert(new AcceptedPlaceReservation { Id = key, ApplicationId = application.Id, ReservedAt = now });
        }

        await session.SaveChangesOrRefuseAsync("participant_id", "Another application of this participant for the course family and cohort was accepted since the withdrawal", cancellationToken);

        var current = (await session.LoadAsync<ParticipantView>(participant.Id, cancellationToken))!;
        return await ParticipantAccess.ResultAsync(session, current, command.Caller.ProviderId, cancellationToken);
    }
}

/// <summary>The input limits of <see cref="ChangeTrainingStatus"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class ChangeTrainingStatusValidator : AbstractValidator<ChangeTrainingStatus>
{
    public ChangeTrainingStatusValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.Reason).WireText("reason");
    }
}
