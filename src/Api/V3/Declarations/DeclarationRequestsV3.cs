using Npq.Api.Requests;
using Npq.Api.OpenApi;
using Npq.Api.V1.Declarations;

namespace Npq.Api.V3.Declarations;

/// <summary>Submit a declaration (v3): with delivery partners.</summary>
public sealed record DeclarationRequestV3 : DeclarationRequestV1
{
    /// <summary>Required from the 2024 cohort when the participant works in England; refused outside it.</summary>
    [Uuid]
    public string? DeliveryPartnerId { get; init; }

    [Uuid]
    public string? SecondaryDeliveryPartnerId { get; init; }
}

public sealed record ChangeDeliveryPartnerRequest : IRequestAttributes
{
    [Uuid]
    public required string? DeliveryPartnerId { get; init; }

    [Uuid]
    public string? SecondaryDeliveryPartnerId { get; init; }
}
