using Npq.Domain.Statements;

namespace Npq.Domain.Declarations;

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
    /// <param name="submitted">The declaration as recorded, with the facts fixed at creation; its time is the decision's.</param>
    /// <param name="hasPassed">The provider's <c>has_passed</c>, for a completed declaration that carries an outcome.</param>
    /// <param name="duplicateOf">The oldest live declaration of the type for the same TRN by another person.</param>
    /// <param name="fundable">The target application is funded (or its identical non-submitted twin is).</param>
    /// <param name="nextStatement">The provider's next open output-fee statement for the cohort.</param>
    public static SubmitDeclarationOutcome Decide(DeclarationSubmitted submitted, bool? hasPassed, Guid? duplicateOf, bool fundable, Guid? nextStatement)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var (id, now) = (submitted.DeclarationId, submitted.SubmittedAt);
        var events = new List<object> { submitted };

        StatementLineAdded? line = null;
        if (duplicateOf is { } original)
        {
            events.Add(new DeclarationMarkedIneligible(id, "duplicate_declaration", original, nextStatement, now));
            if (nextStatement is { } statement)
                line = new StatementLineAdded(statement, id, StatementLineTypes.Billable, DeclarationWire.Of(DeclarationState.Ineligible), now);
        }
        else if (fundable && nextStatement is { } statement)
        {
            events.Add(new DeclarationMarkedEligible(id, statement, now));
            line = new StatementLineAdded(statement, id, StatementLineTypes.Billable, DeclarationWire.Of(DeclarationState.Eligible), now);
        }

        if (submitted.DeclarationType == DeclarationTypes.Completed && Courses.Courses.Get(submitted.CourseIdentifier).HasOutcomes)
        {
            events.Add(new OutcomeRecorded(id, Guid.CreateVersion7(now), hasPassed == true ? OutcomeStates.Passed : OutcomeStates.Failed,
                DateOnly.FromDateTime(submitted.DeclarationDate.UtcDateTime), now));
        }

        return new SubmitDeclarationOutcome(events, line);
    }
}
