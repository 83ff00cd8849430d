namespace Npq.Domain.Declarations;

/// <summary>
/// A provider declared a milestone of a participant's training (CONTRACT §3.7). Carries the facts
/// fixed at creation: the target application, its course (which can differ from the submitted one
/// within a family), its cohort and the funding facts that <c>uplift_paid</c> needs.
/// </summary>
public sealed record DeclarationSubmitted(
    Guid DeclarationId,
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
    DateTimeOffset SubmittedAt);

/// <summary>Fundable at creation: eligible, with a billable line on the provider's next output-fee statement.</summary>
public sealed record DeclarationMarkedEligible(Guid DeclarationId, Guid StatementId, DateTimeOffset At);

/// <summary>A duplicate at creation (another person with the same TRN already declared): ineligible, with a line.</summary>
public sealed record DeclarationMarkedIneligible(Guid DeclarationId, string Reason, Guid SupersededBy, Guid? StatementId, DateTimeOffset At);

/// <summary>The provider voided a submitted, eligible, payable or ineligible declaration.</summary>
public sealed record DeclarationVoided(Guid DeclarationId, DateTimeOffset At);

/// <summary>DfE marked the statement holding the billable line payable.</summary>
public sealed record DeclarationMarkedPayable(Guid DeclarationId, Guid StatementId, DateTimeOffset At);

/// <summary>DfE marked the statement holding the billable line paid.</summary>
public sealed record DeclarationMarkedPaid(Guid DeclarationId, Guid StatementId, DateTimeOffset At);

/// <summary>The provider voided a paid declaration: a refund line waits on the next output-fee statement.</summary>
public sealed record ClawbackRequested(Guid DeclarationId, Guid RefundStatementId, DateTimeOffset At);

/// <summary>DfE marked the statement holding the refund line paid.</summary>
public sealed record DeclarationClawedBack(Guid DeclarationId, Guid RefundStatementId, DateTimeOffset At);

/// <summary>The provider changed the delivery partners (leaving out the secondary clears it).</summary>
public sealed record DeliveryPartnerChanged(Guid DeclarationId, Guid DeliveryPartnerId, Guid? SecondaryDeliveryPartnerId, DateTimeOffset At);

/// <summary>An outcome of a completed declaration (CONTRACT §3.11): passed, failed or voided. The newest wins.</summary>
public sealed record OutcomeRecorded(Guid DeclarationId, Guid OutcomeId, string State, DateOnly CompletionDate, DateTimeOffset At);

public static class DeclarationTypes
{
    public const string Started = "started";
    public const string Retained1 = "retained-1";
    public const string Retained2 = "retained-2";
    public const string Completed = "completed";

    public static IReadOnlyList<string> All { get; } = [Started, Retained1, Retained2, Completed];
}

public static class OutcomeStates
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Voided = "voided";
}
