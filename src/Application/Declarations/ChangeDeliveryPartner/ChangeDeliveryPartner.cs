using FluentValidation;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications;
using Npq.Domain.Common;
using Npq.Domain.Declarations;

namespace Npq.Application.Declarations.ChangeDeliveryPartner;

/// <summary>The provider changes a declaration's delivery partners (CONTRACT §3.10). Leaving out the secondary clears it.</summary>
public sealed record ChangeDeliveryPartner(Caller Caller, Guid Id, string? DeliveryPartnerId, string? SecondaryDeliveryPartnerId)
    : ICommand<DeclarationView>, ILeadProviderRequest;

public sealed class ChangeDeliveryPartnerHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<ChangeDeliveryPartner, DeclarationView>
{
    public async ValueTask<DeclarationView> Handle(ChangeDeliveryPartner command, CancellationToken cancellationToken)
    {
        var view = await DeclarationAccess.LoadForWriteAsync(session, command.Id, command.Caller, includeTransferred: true, cancellationToken);
        await locks.LockParticipantAsync(session, view.ParticipantId, cancellationToken);
        var stream = (await session.FetchDeclarationAsync(view.Id, cancellationToken))!;
        var declaration = stream.Aggregate!;
        var application = (await session.LoadAsync<ApplicationView>(declaration.ApplicationId, cancellationToken))!;
        var facts = await DeliveryPartnerChecks.FactsAsync(session, command.DeliveryPartnerId, command.SecondaryDeliveryPartnerId,
            command.Caller.ProviderId, application, cancellationToken);

        // As the reference (issue 26): a partner is checked against the provider's partnerships only
        // when it changes, so re-sending the partner a declaration already has is accepted after the
        // partnership ended.
        var primaryKept = Guid.TryParse(command.DeliveryPartnerId, out var sentPrimary) && sentPrimary == declaration.DeliveryPartnerId;
        var secondaryKept = Guid.TryParse(command.SecondaryDeliveryPartnerId, out var sentSecondary) && sentSecondary == declaration.SecondaryDeliveryPartnerId;
        facts = facts with
        {
            PrimaryIsProvidersPartnerForCohort = facts.PrimaryIsProvidersPartnerForCohort || primaryKept,
            SecondaryIsProvidersPartnerForCohort = facts.SecondaryIsProvidersPartnerForCohort || secondaryKept,
        };

        var errors = new List<DomainError>();
        if (!facts.PrimaryGiven)
            errors.Add(new("delivery_partner_id", "The property '#/delivery_partner_id' must be present"));
        else if (!facts.PrimaryExists)
            errors.Add(new("delivery_partner", "The '#/delivery_partner_id' does not exist"));
        if (facts.SecondaryGiven && !facts.SecondaryExists)
            errors.Add(new("secondary_delivery_partner", "The '#/secondary_delivery_partner_id' does not exist"));
        if (errors.Count == 0)
            errors.AddRange(SubmitDeclarationRules.DeliveryPartnerRules(facts));
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        var primary = Guid.Parse(command.DeliveryPartnerId!);
        Guid? secondary = facts.SecondaryGiven ? Guid.Parse(command.SecondaryDeliveryPartnerId!) : null;
        if (declaration.DeliveryPartnerId == primary && declaration.SecondaryDeliveryPartnerId == secondary)
            return view; // unchanged values: 200 with nothing recorded (§7)

        stream.AppendOne(new DeliveryPartnerChanged(declaration.Id, primary, secondary, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return (await session.LoadAsync<DeclarationView>(declaration.Id, cancellationToken))!;
    }
}

/// <summary>The input limits of <see cref="ChangeDeliveryPartner"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class ChangeDeliveryPartnerValidator : AbstractValidator<ChangeDeliveryPartner>
{
    public ChangeDeliveryPartnerValidator()
    {
        RuleFor(x => x.DeliveryPartnerId).WireText("delivery_partner_id");
        RuleFor(x => x.SecondaryDeliveryPartnerId).WireText("secondary_delivery_partner_id");
    }
}
