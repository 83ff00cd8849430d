using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.DeliveryPartners;

/// <summary>DfE records a delivery partner and the providers and cohorts it works with (reference data, B8).</summary>
public sealed record AddDeliveryPartner(Caller Caller, Guid? Id, string Name, IReadOnlyList<(Guid LeadProviderId, int Cohort)> Partnerships)
    : ICommand<DeliveryPartner>, IAdminRequest;

public sealed class AddDeliveryPartnerHandler(IDocumentSession session, TimeProvider time) : ICommandHandler<AddDeliveryPartner, DeliveryPartner>
{
    public async ValueTask<DeliveryPartner> Handle(AddDeliveryPartner command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.Name))
            throw new RuleViolationException("name", "A delivery partner needs a name");
        var id = command.Id ?? Guid.CreateVersion7(time.GetUtcNow());
        var partner = await session.LoadAsync<DeliveryPartner>(id, cancellationToken)
                      ?? new DeliveryPartner { Id = id, CreatedAt = time.GetUtcNow() };
        if (partner.Name != command.Name.Trim())
        {
            partner.Name = command.Name.Trim();
            partner.UpdatedAt = time.GetUtcNow();
        }

        session.Store(partner);
        foreach (var (provider, cohort) in command.Partnerships)
        {
            session.Store(new Partnership
            {
                Id = Partnership.IdOf(provider, id, cohort), LeadProviderId = provider, DeliveryPartnerId = id, Cohort = cohort,
            });
        }

        await session.SaveChangesAsync(cancellationToken);
        return partner;
    }
}

/// <summary>The input limits of <see cref="AddDeliveryPartner"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class AddDeliveryPartnerValidator : AbstractValidator<AddDeliveryPartner>
{
    public AddDeliveryPartnerValidator() =>
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the delivery partner's name").WireText("name");
}
