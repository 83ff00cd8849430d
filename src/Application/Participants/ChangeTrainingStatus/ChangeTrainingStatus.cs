using JasperFx.Events;
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
        await ApplyAsync(session, stream, view, command.Action, command.Reason, command.WithdrawalReasons, time.GetUtcNow(), cancellationToken);

        var current = (await session.SavedParticipantAsync(participant.Id, cancellationToken))!;
        return await ParticipantAccess.ResultAsync(session, current, command.Caller.ProviderId, cancellationToken);
    }

    /// <summary>
    /// Decides and records the change on one application, then saves: the provider's action, and DfE's
    /// on the owner's behalf (<c>ChangeTrainingStatusForProvider</c>).
    /// </summary>
    public static async Task ApplyAsync(IDocumentSession session, IEventStream<NpqApplication> stream, ApplicationView view, TrainingAction action,
        string? reason, IReadOnlyList<string> withdrawalReasons, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var application = stream.State();
        var applicationId = application.Id;
        var declarations = await session.Query<DeclarationView>().Where(d => d.ApplicationId == applicationId).ToListAsync(cancellationToken);

        var (change, errors) = action switch
        {
            TrainingAction.Defer => TrainingStatusDecisions.Defer(application, reason, declarations.Count > 0, now),
            TrainingAction.Resume => TrainingStatusDecisions.Resume(application, now),
            _ => TrainingStatusDecisions.Withdraw(application, reason,
                withdrawalReasons,
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
