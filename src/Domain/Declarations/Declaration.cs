namespace Npq.Domain.Declarations;

/// <summary>
/// The write model of one declaration, from its stream: <see cref="Start"/> and <see cref="Next"/> are its
/// only transitions (Marten builds it with them through DeclarationAggregation; <see cref="Fold"/> for replays and tests).
/// </summary>
public sealed record Declaration(
    Guid Id,
    Guid ApplicationId,
    Guid ParticipantId,
    Guid LeadProviderId,
    string DeclarationType,
    DateTimeOffset DeclarationDate,
    string CourseIdentifier,
    string CohortId,
    DeclarationState State,
    Guid? BillableStatementId,
    Guid? RefundStatementId,
    Guid? DeliveryPartnerId,
    Guid? SecondaryDeliveryPartnerId,
    string? LatestOutcomeState)
{
    public static Declaration Start(DeclarationSubmitted e) =>
        new(e.DeclarationId, e.ApplicationId, e.ParticipantId, e.LeadProviderId, e.DeclarationType, e.DeclarationDate,
            e.CourseIdentifier, e.CohortId, DeclarationState.Submitted, null, null, e.DeliveryPartnerId, e.SecondaryDeliveryPartnerId, null);

    public Declaration Next(object @event) => @event switch
    {
        DeclarationMarkedEligible e => this with { State = DeclarationState.Eligible, BillableStatementId = e.StatementId },
        DeclarationMarkedIneligible e => this with { State = DeclarationState.Ineligible, BillableStatementId = e.StatementId },
        DeclarationVoided => this with { State = DeclarationState.Voided },
        DeclarationMarkedPayable => this with { State = DeclarationState.Payable },
        DeclarationMarkedPaid => this with { State = DeclarationState.Paid },
        ClawbackRequested e => this with { State = DeclarationState.AwaitingClawback, RefundStatementId = e.RefundStatementId },
        DeclarationClawedBack => this with { State = DeclarationState.ClawedBack },
        DeliveryPartnerChanged e => this with { DeliveryPartnerId = e.DeliveryPartnerId, SecondaryDeliveryPartnerId = e.SecondaryDeliveryPartnerId },
        OutcomeRecorded e => this with { LatestOutcomeState = e.State },
        _ => this,
    };

    public static Declaration? Fold(IEnumerable<object> events)
    {
        Declaration? state = null;
        foreach (var e in events)
            state = e is DeclarationSubmitted submitted ? Start(submitted) : state?.Next(e);
        return state;
    }

    /// <summary>Completed leadership and specialist declarations carry outcomes (§3.7, §3.9).</summary>
    public bool HasOutcomes => DeclarationType == DeclarationTypes.Completed && Courses.Courses.Get(CourseIdentifier).HasOutcomes;
}
