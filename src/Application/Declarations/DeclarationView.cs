using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

/// <summary>The read model of a declaration, version-free; the API maps what each version shows (CONTRACT §2.6).</summary>
public sealed class DeclarationView
{
    public Guid Id { get; set; }

    public Guid ApplicationId { get; set; }

    public Guid ParticipantId { get; set; }

    /// <summary>The provider that created the declaration.</summary>
    public Guid LeadProviderId { get; set; }

    /// <summary>The provider that owns the application now (differs after a transfer; such declarations are visible to it on request).</summary>
    public Guid OwnerProviderId { get; set; }

    public string DeclarationType { get; set; } = "";

    public DateTimeOffset DeclarationDate { get; set; }

    public string CourseIdentifier { get; set; } = "";

    public int Cohort { get; set; }

    public string CohortId { get; set; } = "";

    public DeclarationState State { get; set; }

    /// <summary>The statement holding the billable line while the declaration is eligible, payable or paid.</summary>
    public Guid? StatementId { get; set; }

    /// <summary>The statement of the billable line whatever the state (for line bookkeeping).</summary>
    public Guid? BillableStatementId { get; set; }

    public Guid? ClawbackStatementId { get; set; }

    public Guid? DeliveryPartnerId { get; set; }

    public Guid? SecondaryDeliveryPartnerId { get; set; }

    /// <summary>From the latest outcome: passed → true, failed → false, voided or none → null.</summary>
    public bool? HasPassed { get; set; }

    public string? IneligibleForFundingReason { get; set; }

    public bool TargetedDeliveryFundingEligibility { get; set; }

    public bool UpliftPaid { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
