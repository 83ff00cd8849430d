using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Application.ReferenceData;
using Npq.Application.Statements;
using Npq.Domain.Courses;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;
using Npq.Domain.Statements;

namespace Npq.Application.Declarations.SubmitDeclaration;

/// <summary>
/// Gathers the facts of §3.7, lets <see cref="SubmitDeclarationRules"/> decide, then records the
/// declaration, its eligibility, its statement line and (for completed leadership/specialist
/// declarations) its outcome in one transaction, guarded by <see cref="LiveDeclarationReservation"/>.
/// </summary>
public sealed class SubmitDeclarationHandler(IDocumentSession session, IWriteLocks locks, IReferenceData referenceData, TimeProvider time)
    : ICommandHandler<SubmitDeclaration, DeclarationView>
{
    private static readonly DeclarationState[] Live = DeclarationStates.Live.ToArray();

    public async ValueTask<DeclarationView> Handle(SubmitDeclaration command, CancellationToken cancellationToken)
    {
        var providerId = command.Caller.ProviderId;
        var now = time.GetUtcNow();
        var participantGiven = !string.IsNullOrWhiteSpace(command.ParticipantId);
        var participantId = Guid.TryParse(command.ParticipantId, out var parsed) ? parsed : Guid.Empty;
        if (participantId != Guid.Empty)
            await locks.LockParticipantAsync(session, participantId, cancellationToken);

        var retired = participantId == Guid.Empty ? null : await session.LoadAsync<ParticipantView>(participantId, cancellationToken);
        // The successor is named only to a caller who can see it (issue 24); anyone else gets the
        // generic "not recognised", as for an id that never existed.
        var successorView = retired?.RetiredInto is { } retiredInto ? await session.LoadAsync<ParticipantView>(retiredInto, cancellationToken) : null;
        var retiredMessage = successorView is not null && successorView.EnrolmentKeys.Contains(providerId.ToString())
            ? $"The participant_id '{participantId}' has been replaced with '{successorView.Id}'."
            : null;

        var accepted = participantId == Guid.Empty
            ? []
            : await session.Query<ApplicationView>()
                .Where(a => a.ParticipantId == participantId && a.Status == ApplicationStatus.Accepted)
                .ToListAsync(cancellationToken);
        var course = Courses.Find(command.CourseIdentifier);
        var inFamily = course is null ? [] : accepted.Where(a => Courses.SameFamily(a.CourseIdentifier, course.Identifier)).ToList();
        var target = inFamily.Where(a => a.LeadProviderId == providerId).OrderByDescending(a => a.CreatedAt).FirstOrDefault();

        var reference = await referenceData.GetAsync(cancellationToken);
        var schedule = target?.ScheduleIdentifier is { } identifier ? reference.FindSchedule($"{target.Cohort}{target.CohortSuffix}", identifier) : null;
        var declarationDate = SubmitDeclarationRules.ParseDeclarationDate(command.DeclarationDate);
        var type = command.DeclarationType;
        var cohortId = target is null ? "" : $"{target.Cohort}{target.CohortSuffix}";
        var fundable = target is not null && target.EligibleForFunding && target.FundedPlace != false;

        var existing = target is null || type is null
            ? []
            : await session.Query<DeclarationView>()
                .Where(d => d.ParticipantId == participantId && d.DeclarationType == type && d.LeadProviderId == providerId)
                .ToListAsync(cancellationToken);
        var identical = existing.Where(d => d.DeclarationDate == declarationDate && d.CourseIdentifier == target!.CourseIdentifier).ToList();
        var liveOfType = existing.FirstOrDefault(d => d.ApplicationId == target!.Id && Live.Contains(d.State));
        var nextStatement = target is null
            ? null
            : await session.NextOutputFeeStatementAsync(providerId, cohortId, time.Today(), cancellationToken);

        var facts = new SubmitDeclarationFacts
        {
            ParticipantGiven = participantGiven,
            RetiredParticipantMessage = retiredMessage,
            HasAcceptedApplicationWithCaller = accepted.Any(a => a.LeadProviderId == providerId),
            HasTarget = target is not null,
            WithdrawnAt = target?.TrainingStatus == TrainingStatus.Withdrawn ? target.TrainingStatusChangedAt : null,
            AnyAcceptedApplicationInFamily = inFamily.Count > 0,
            DeclarationDateText = command.DeclarationDate,
            DeclarationDate = declarationDate,
            DeclarationType = type,
            Schedule = schedule is null ? null : new ScheduleRules(schedule.AppliesFrom, schedule.AllowedDeclarationTypes),
            HasContract = target is not null && await session.HasContractAsync(providerId, cohortId, target.CourseIdentifier, cancellationToken),
            FundableOrIdenticalNonSubmitted = fundable || identical.Any(d => d.State != DeclarationState.Submitted),
            NextOutputFeeStatement = nextStatement?.Id,
            NeedsHasPassed = type == DeclarationTypes.Completed && target is not null && Courses.Get(target.CourseIdentifier).HasOutcomes,
            HasPassedIsBoolean = command.HasPassed is not null,
            LiveDeclarationOfType = liveOfType is not null,
            LiveDeclarationState = liveOfType is null ? null : DeclarationWire.Of(liveOfType.State),
            Partners = command.WithDeliveryPartners && target is not null
                ? await PartnerFactsAsync(command.DeliveryPartnerId, command.SecondaryDeliveryPartnerId, providerId, target, cancellationToken)
                : DeliveryPartnerFacts.None,
            Now = now,
        };

        var errors = SubmitDeclarationRules.Check(facts);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        // Effect 1: the idempotent match returns the existing declaration unchanged.
        var match = identical.FirstOrDefault(d => d.State is DeclarationState.Submitted or DeclarationState.Eligible
            or DeclarationState.Payable or DeclarationState.Paid);
        if (match is not null)
            return match;

        return await CreateAsync(command, target!, declarationDate!.Value, fundable, nextStatement, now, cancellationToken);
    }

    private async Task<DeclarationView> CreateAsync(
        SubmitDeclaration command, ApplicationView target, DateTimeOffset declarationDate, bool fundable, StatementView? nextStatement,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        var type = command.DeclarationType!;

        // Eligibility, decided once (§3.7 effect 3). Other people with the same TRN are not covered by
        // this person's lock, so declarations of the type for that TRN serialise on a lock of their own
        // (after the person's, before the statement's): two duplicate accounts declaring at once cannot
        // both find no duplicate and both be paid (issue 14).
        if (target.TeacherReferenceNumber is { } trn)
            await locks.LockParticipantsAsync(session, [DeterministicGuid.From($"trn-declaration:{trn}:{type}")], cancellationToken);
        var duplicate = await OldestDuplicateAsync(target, type, cancellationToken);

        var submitted = new DeclarationSubmitted(
            id, target.Id, target.ParticipantId, command.Caller.ProviderId, type, declarationDate, target.CourseIdentifier, target.Cohort,
            $"{target.Cohort}{target.CohortSuffix}",
            command.WithDeliveryPartners && Guid.TryParse(command.DeliveryPartnerId, out var primary) ? primary : null,
            command.WithDeliveryPartners && Guid.TryParse(command.SecondaryDeliveryPartnerId, out var secondary) ? secondary : null,
            target.TargetedDeliveryFundingEligibility, now);
        var decided = SubmitDeclarationDecision.Decide(submitted, command.HasPassed, duplicate?.Id, fundable, nextStatement?.Id);

        if (decided.StatementLine is { } line)
        {
            // The statement must still be open once we hold its lock (a DfE mark-payable may have won).
            await locks.LockStatementsAsync(session, [line.StatementId], cancellationToken);
            var current = await session.LoadAsync<StatementView>(line.StatementId, cancellationToken);
            if (current?.State != StatementState.Open)
                throw new RuleViolationException("cohort", "You cannot submit or void declarations for this cohort: its funding contract has ended");
        }

        session.Events.StartStream(id, decided.DeclarationEvents.ToArray());
        if (decided.StatementLine is { } added)
            session.Events.Append(added.StatementId, added);
        if (decided.ReservesLivePlace)
            session.Insert(new LiveDeclarationReservation { Id = LiveDeclarationReservation.IdOf(target.Id, type), DeclarationId = id });

        await session.SaveChangesOrRefuseAsync("base", "A declaration for this event already exists: void it before declaring again", cancellationToken);

        return (await session.LoadAsync<DeclarationView>(id, cancellationToken))!;
    }

    /// <summary>A live declaration of the same type and course family by a different person with the same TRN (§3.7 effect 3).</summary>
    private async Task<DeclarationView?> OldestDuplicateAsync(ApplicationView target, string type, CancellationToken cancellationToken)
    {
        if (target.TeacherReferenceNumber is not { } trn)
            return null;
        var participantId = target.ParticipantId;
        var sameTrn = await session.Query<ParticipantView>()
            .Where(p => p.TeacherReferenceNumber == trn && p.Id != participantId)
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);
        if (sameTrn.Count == 0)
            return null;
        var candidates = await session.Query<DeclarationView>()
            .Where(d => sameTrn.Contains(d.ParticipantId) && d.DeclarationType == type && Live.Contains(d.State))
            .ToListAsync(cancellationToken);
        return candidates.Where(d => Courses.SameFamily(d.CourseIdentifier, target.CourseIdentifier))
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).FirstOrDefault();
    }

    private async Task<DeliveryPartnerFacts> PartnerFactsAsync(string? primaryText, string? secondaryText, Guid providerId, ApplicationView target, CancellationToken cancellationToken) =>
        await DeliveryPartnerChecks.FactsAsync(session, primaryText, secondaryText, providerId, target, cancellationToken);
}
