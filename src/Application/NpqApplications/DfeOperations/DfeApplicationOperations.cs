using JasperFx.Events;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.Participants.ChangeTrainingStatus;
using Npq.Application.ReferenceData;
using Npq.Application.Registration.RegisterApplication;
using Npq.Domain.Common;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications.DfeOperations;

// DfE's operations on one application (issue 26, docs/contract.md B8): the decisions are in
// DfeOperationDecisions; each handler loads, locks the person, decides, appends and saves once.

/// <summary>Back to pending from accepted or rejected.</summary>
public sealed record RevertApplicationToPending(Caller Caller, Guid ApplicationId) : ICommand<ApplicationView>, IAdminRequest;

/// <summary>Funding eligibility decided by policy.</summary>
public sealed record OverrideFundingEligibility(Caller Caller, Guid ApplicationId, bool EligibleForFunding) : ICommand<ApplicationView>, IAdminRequest;

/// <summary>Move the application to another cohort of the same funding (the schedule identifier stays).</summary>
public sealed record ChangeApplicationCohort(Caller Caller, Guid ApplicationId, string? Cohort) : ICommand<ApplicationView>, IAdminRequest;

/// <summary>Defer, resume or withdraw on the owner's behalf; the event records the owner, as the reference's does.</summary>
public sealed record ChangeTrainingStatusForProvider(Caller Caller, Guid ApplicationId, TrainingAction Action, string? Reason)
    : ICommand<ApplicationView>, IAdminRequest;

/// <summary>Reject expired registrations, one outcome per id: all that can be rejected are, in one transaction.</summary>
public sealed record RejectExpiredApplications(Caller Caller, IReadOnlyList<Guid> ApplicationIds) : ICommand<IReadOnlyList<BulkOutcome>>, IAdminRequest;

/// <summary>What happened to one id of a bulk operation: <c>rejected</c>, <c>not_found</c> or the refusal.</summary>
public sealed record BulkOutcome(Guid ApplicationId, string Outcome, string? Detail);

public sealed class DfeApplicationOperationsHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time)
    : ICommandHandler<RevertApplicationToPending, ApplicationView>,
      ICommandHandler<OverrideFundingEligibility, ApplicationView>,
      ICommandHandler<ChangeApplicationCohort, ApplicationView>,
      ICommandHandler<ChangeTrainingStatusForProvider, ApplicationView>,
      ICommandHandler<RejectExpiredApplications, IReadOnlyList<BulkOutcome>>
{
    public async ValueTask<ApplicationView> Handle(RevertApplicationToPending command, CancellationToken cancellationToken)
    {
        var (view, stream) = await LoadAsync(command.ApplicationId, cancellationToken);
        var application = stream.State();
        var reference = await referenceData.GetAsync(cancellationToken);
        var funding = reference.FindCohortById(application.CohortId)!.Funding;
        var (reverted, errors) = DfeOperationDecisions.RevertToPending(application, funding, await LiveDeclarationsAsync(application.Id, cancellationToken), time.GetUtcNow());
        Append(stream, reverted, errors);
        ReleasePlace(application, view); // a pending application holds no accepted place

        return await SaveAsync(application.Id, cancellationToken);
    }

    public async ValueTask<ApplicationView> Handle(OverrideFundingEligibility command, CancellationToken cancellationToken)
    {
        var (_, stream) = await LoadAsync(command.ApplicationId, cancellationToken);
        var application = stream.State();
        var (overridden, errors) = DfeOperationDecisions.OverrideFundingEligibility(
            application, command.EligibleForFunding, await LiveDeclarationsAsync(application.Id, cancellationToken), time.GetUtcNow());
        Append(stream, overridden, errors);
        return await SaveAsync(application.Id, cancellationToken);
    }

    public async ValueTask<ApplicationView> Handle(ChangeApplicationCohort command, CancellationToken cancellationToken)
    {
        var (view, stream) = await LoadAsync(command.ApplicationId, cancellationToken);
        var application = stream.State();
        var reference = await referenceData.GetAsync(cancellationToken);
        var target = RegistrationInput.ParseCohort(command.Cohort) switch
        {
            { Suffix: { } suffix } c => reference.FindCohortById($"{c.Year}{suffix}"),
            { } c => reference.FindCohort(c.Year),
            null => null,
        };
        var applicationId = application.Id;
        var notVoided = await session.Query<DeclarationView>()
            .CountAsync(d => d.ApplicationId == applicationId && d.State != DeclarationState.Voided, cancellationToken);
        var (changed, errors) = DfeOperationDecisions.ChangeCohort(
            application, reference.FindCohortById(application.CohortId)!.Funding,
            target is null ? null : (target.StartYear, target.Suffix, target.Funding),
            target is not null && application.ScheduleIdentifier is { } schedule && reference.FindSchedule(target.Id, schedule) is not null,
            notVoided, time.GetUtcNow());
        Append(stream, changed, errors);
        if (ReleasePlace(application, view))
        {
            // The accepted place moves with the application.
            foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, view.VerifiedTrn(), application.CourseIdentifier, target!.Id))
                session.Insert(new AcceptedPlaceReservation { Id = key, ApplicationId = application.Id, ReservedAt = changed!.At });
        }

        await session.SaveChangesOrRefuseAsync("cohort", "The participant already has an accepted application for this course family in that cohort", cancellationToken);
        return (await session.SavedApplicationAsync(application.Id, cancellationToken))!;
    }

    public async ValueTask<ApplicationView> Handle(ChangeTrainingStatusForProvider command, CancellationToken cancellationToken)
    {
        var (view, stream) = await LoadAsync(command.ApplicationId, cancellationToken);
        if (view.Status != ApplicationStatus.Accepted)
            throw new RuleViolationException("status", "Only an accepted application has a training status");
        await ChangeTrainingStatusHandler.ApplyAsync(session, stream, view, command.Action, command.Reason, TrainingReasons.WithdrawalExtended,
            time.GetUtcNow(), cancellationToken);
        return (await session.LoadAsync<ApplicationView>(view.Id, cancellationToken))!;
    }

    public async ValueTask<IReadOnlyList<BulkOutcome>> Handle(RejectExpiredApplications command, CancellationToken cancellationToken)
    {
        if (command.ApplicationIds.Count is 0 or > 1000)
            throw new RuleViolationException("application_ids", "Give between 1 and 1,000 application ids");
        var ids = command.ApplicationIds.Distinct().ToList();
        var views = (await session.LoadManyAsync<ApplicationView>(cancellationToken, ids)).ToDictionary(v => v.Id);
        await locks.LockParticipantsAsync(session, views.Values.Select(v => v.ParticipantId).Distinct().ToList(), cancellationToken);
        var live = (await session.Query<DeclarationView>()
                .Where(d => ids.Contains(d.ApplicationId) && DeclarationStates.Live.Contains(d.State))
                .Select(d => d.ApplicationId)
                .ToListAsync(cancellationToken))
            .CountBy(id => id).ToDictionary(p => p.Key, p => p.Value);
        var now = time.GetUtcNow();
        var outcomes = new List<BulkOutcome>();
        foreach (var id in ids)
        {
            if (!views.TryGetValue(id, out var view))
            {
                outcomes.Add(new BulkOutcome(id, "not_found", null));
                continue;
            }

            var stream = await session.FetchApplicationAsync(id, cancellationToken);
            var application = stream.State();
            var (rejected, errors) = DfeOperationDecisions.RejectExpired(application, live.GetValueOrDefault(id), now);
            if (rejected is null)
            {
                outcomes.Add(new BulkOutcome(id, "refused", errors[0].Detail));
                continue;
            }

            stream.AppendOne(rejected);
            ReleasePlace(application, view);

            outcomes.Add(new BulkOutcome(id, "rejected", null));
        }

        await session.SaveChangesAsync(cancellationToken);
        return outcomes;
    }

    private async Task<(ApplicationView View, IEventStream<NpqApplication> Stream)> LoadAsync(Guid applicationId, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<ApplicationView>(applicationId, cancellationToken) ?? throw new ResourceNotFoundException();
        await locks.LockParticipantAsync(session, view.ParticipantId, cancellationToken);
        return (view, await session.FetchApplicationAsync(applicationId, cancellationToken));
    }

    /// <summary>
    /// Deletes the accepted place an accepted, not withdrawn application holds (ARCHITECTURE invariant 1);
    /// true when it held one.
    /// </summary>
    private bool ReleasePlace(NpqApplication application, ApplicationView view)
    {
        if (application is not { Status: ApplicationStatus.Accepted, TrainingStatus: not TrainingStatus.Withdrawn })
            return false;
        foreach (var key in AcceptedPlaceReservation.KeysFor(application.ParticipantId, view.VerifiedTrn(), application.CourseIdentifier, application.CohortId))
            session.Delete<AcceptedPlaceReservation>(key);
        return true;
    }

    private Task<int> LiveDeclarationsAsync(Guid applicationId, CancellationToken cancellationToken) =>
        session.Query<DeclarationView>().CountAsync(d => d.ApplicationId == applicationId && DeclarationStates.Live.Contains(d.State), cancellationToken);

    private static void Append<T>(IEventStream<NpqApplication> stream, T? @event, IReadOnlyList<DomainError> errors)
        where T : class
    {
        if (@event is null)
            throw new RuleViolationException(errors);
        stream.AppendOne(@event);
    }

    private async Task<ApplicationView> SaveAsync(Guid applicationId, CancellationToken cancellationToken)
    {
        await session.SaveChangesAsync(cancellationToken);
        return (await session.SavedApplicationAsync(applicationId, cancellationToken))!;
    }
}
