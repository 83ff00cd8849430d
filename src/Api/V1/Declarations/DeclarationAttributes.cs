namespace Npq.Api.V1.Declarations;

/// <summary>v1 declaration attributes (CONTRACT §2.6).</summary>
public sealed record DeclarationAttributesV1
{
    public Guid ParticipantId { get; init; }

    public required string DeclarationType { get; init; }

    public required string CourseIdentifier { get; init; }

    public DateTimeOffset DeclarationDate { get; init; }

    public required string State { get; init; }

    public bool? HasPassed { get; init; }

    public bool Voided { get; init; }

    public bool EligibleForPayment { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>v2 declaration attributes: v1 without <c>voided</c> and <c>eligible_for_payment</c>.</summary>
public sealed record DeclarationAttributesV2
{
    public Guid ParticipantId { get; init; }

    public required string DeclarationType { get; init; }

    public required string CourseIdentifier { get; init; }

    public DateTimeOffset DeclarationDate { get; init; }

    public required string State { get; init; }

    public bool? HasPassed { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
