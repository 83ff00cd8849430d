using Mediator;
using Npq.Application.Common;

namespace Npq.Application.Declarations.SubmitDeclaration;

/// <summary>
/// A provider declares a milestone (CONTRACT §3.7). Values arrive as sent; delivery partners only
/// from v3 (<see cref="IsV3"/>), where their rules apply (B1).
/// </summary>
public sealed record SubmitDeclaration : ICommand<DeclarationView>, ILeadProviderRequest, IValidatedRequest
{
    public required Caller Caller { get; init; }

    public string? ParticipantId { get; init; }

    public string? DeclarationType { get; init; }

    public string? DeclarationDate { get; init; }

    public string? CourseIdentifier { get; init; }

    /// <summary>A JSON boolean, or the strings "true"/"false" (§1.3); null otherwise.</summary>
    public bool? HasPassed { get; init; }

    public bool IsV3 { get; init; }

    public string? DeliveryPartnerId { get; init; }

    public string? SecondaryDeliveryPartnerId { get; init; }
}
