namespace Npq.Api.V3.Declarations;

/// <summary>v3 declaration attributes (CONTRACT §2.6).</summary>
public sealed record DeclarationAttributesV3
{
    public Guid ParticipantId { get; init; }

    public required string DeclarationType { get; init; }

    public required string CourseIdentifier { get; init; }

    public DateTimeOffset DeclarationDate { get; init; }

    public required string State { get; init; }

    public bool? HasPassed { get; init; }

    public Guid? StatementId { get; init; }

    public Guid? ClawbackStatementId { get; init; }

    public bool UpliftPaid { get; init; }

    public string LeadProviderName { get; init; } = "";

    public string? IneligibleForFundingReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public Guid? DeliveryPartnerId { get; init; }

    public string? DeliveryPartnerName { get; init; }

    public Guid? SecondaryDeliveryPartnerId { get; init; }

    public string? SecondaryDeliveryPartnerName { get; init; }

    public Guid ApplicationId { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
