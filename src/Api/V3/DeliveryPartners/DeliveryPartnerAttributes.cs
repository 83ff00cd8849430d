namespace Npq.Api.V3.DeliveryPartners;

/// <summary>v3 delivery-partner attributes (§2.9): <c>cohort</c> is an array of integers.</summary>
public sealed record DeliveryPartnerAttributes
{
    public required string Name { get; init; }

    public required IReadOnlyList<int> Cohort { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
