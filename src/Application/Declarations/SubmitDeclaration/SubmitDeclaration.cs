using FluentValidation;
using Mediator;
using Npq.Application.Common;

namespace Npq.Application.Declarations.SubmitDeclaration;

/// <summary>
/// A provider declares a milestone (CONTRACT §3.7). Values arrive as sent; delivery partners only
/// when <see cref="WithDeliveryPartners"/>, where their rules apply (B1).
/// </summary>
public sealed record SubmitDeclaration : ICommand<DeclarationView>, ILeadProviderRequest
{
    public required Caller Caller { get; init; }

    public string? ParticipantId { get; init; }

    public string? DeclarationType { get; init; }

    public string? DeclarationDate { get; init; }

    public string? CourseIdentifier { get; init; }

    /// <summary>A JSON boolean, or the strings "true"/"false" (§1.3); null otherwise.</summary>
    public bool? HasPassed { get; init; }

    /// <summary>Delivery partners are read and their rules applied (B1); otherwise they are ignored.</summary>
    public bool WithDeliveryPartners { get; init; }

    public string? DeliveryPartnerId { get; init; }

    public string? SecondaryDeliveryPartnerId { get; init; }
}

/// <summary>The input limits of <see cref="SubmitDeclaration"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class SubmitDeclarationValidator : AbstractValidator<SubmitDeclaration>
{
    public SubmitDeclarationValidator()
    {
        RuleFor(x => x.ParticipantId).WireText("participant_id");
        RuleFor(x => x.DeclarationType).WireText("declaration_type");
        RuleFor(x => x.DeclarationDate).WireText("declaration_date");
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.DeliveryPartnerId).WireText("delivery_partner_id");
        RuleFor(x => x.SecondaryDeliveryPartnerId).WireText("secondary_delivery_partner_id");
    }
}
