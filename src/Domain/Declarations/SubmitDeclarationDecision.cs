using Npq.Domain.Statements;

namespace Npq.Domain.Declarations;

/// <summary>What a valid declaration records, with the facts fixed at creation (CONTRACT §3.7).</summary>
public sealed record DeclarationToSubmit(
    Guid Id,
    Guid ApplicationId,
    Guid ParticipantId,
    Guid LeadProviderId,
    string DeclarationType,
    DateTimeOffset DeclarationDate,
    string CourseIdentifier,
    int Cohort,
    string CohortId,
    Guid? DeliveryPartnerId,
    Guid? SecondaryDeliveryPartnerId,
    bool TargetedDeliveryFundingEligibility,
    bool? HasPassed);

/// <summary>
/// The events a submission causes, per stream: the new declaration's stream, and the line on the
/// provider's next output-fee statement (when it gets one). <see cref="ReservesLivePlace"/> says
/// whether the declaration takes the application's one live declaration of its type.
/// </summary>
public sealed record SubmitDeclarationOutcome(IReadOnlyList<object> DeclarationEvents, StatementLineAdded? StatementLine)
{
    public bool ReservesLivePlace => !DeclarationEvents.OfType<DeclarationMarkedIneligible>().Any();
}

/// <summary>
/// CONTRACT §3.7 effects 2–5, once checks #1–#16 (<see cref="SubmitDeclarationRules"/>) have passed:
/// a duplicate of another person's declaration (same TRN) is ineligible, a fundable one is eligible
/// with a billable line, and a completed leadership or specialist declaration records its outcome.
/// </summary>
public static class SubmitDeclarationDecision
{
    /// <param name="duplicateOf">The oldest live declaration of the type for the same TRN by another person.</param>
    /// <param name="fundable">The target application is funded (or its identical non-submitted twin is).</param>
    /// <param name="nextStatement">The provider's next open output-fee statement for the cohort.</param>
    public static SubmitDeclarationOutcome Decide(DeclarationToSubmit declaration, Guid? duplicateOf, bool fundable, Guid? nextStatement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var d = declaration;
        var events = new List<object>
        {
            new DeclarationSubmitted(d.Id, d.ApplicationId, d.ParticipantId, d.LeadProviderId, d.DeclarationType, d.DeclarationDate,
                d.CourseIdentifier, d.Cohort, d.CohortId, d.DeliveryPartnerId, d.SecondaryDeliveryPartnerId, d.TargetedDeliveryFundingEligibility, now),
        };

        StatementLineAdded? line = null;
        if (duplicateOf is { } original)
        {
            events.Add(new DeclarationMarkedIneligible(d.Id, "duplicate_declaration", original, nextStatement, now));
            if (nextStatement is { } statement)
                line = new StatementLineAdded(statement, d.Id, StatementLineTypes.Billable, DeclarationWire.Of(DeclarationState.Ineligible), now);
        }
        else if (fundable && nextStatement is { } statement)
        {
            events.Add(new DeclarationMarkedEligible(d.Id, statement, now));
            line = new StatementLineAdded(statement, d.Id, StatementLineTypes.Billable, DeclarationWire.Of(DeclarationState.Eligible), now);
        }

        if (d.DeclarationType == DeclarationTypes.Completed && Courses.Courses.Get(d.CourseIdentifier).HasOutcomes)
        {
            events.Add(new OutcomeRecorded(d.Id, Guid.CreateVersion7(now), d.HasPassed == true ? OutcomeStates.Passed : OutcomeStates.Failed,
                DateOnly.FromDateTime(d.DeclarationDate.UtcDateTime), now));
        }

        return new SubmitDeclarationOutcome(events, line);
    }
}
