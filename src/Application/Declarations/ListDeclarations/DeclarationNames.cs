using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.DeliveryPartners;
using Npq.Application.ReferenceData;

namespace Npq.Application.Declarations.ListDeclarations;

/// <summary>The provider and delivery-partner names shown beside ids (one query for a whole page).</summary>
public sealed record DeclarationNames(Caller Caller, IReadOnlyCollection<DeclarationView> Declarations)
    : IQuery<IReadOnlyDictionary<Guid, string>>, ILeadProviderRequest;

public sealed class DeclarationNamesHandler(IQuerySession session, IReferenceData referenceData)
    : IQueryHandler<DeclarationNames, IReadOnlyDictionary<Guid, string>>
{
    public async ValueTask<IReadOnlyDictionary<Guid, string>> Handle(DeclarationNames query, CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        var names = reference.LeadProviders.ToDictionary(p => p.Id, p => p.Name);
        var partnerIds = query.Declarations
            .SelectMany(d => new[] { d.DeliveryPartnerId, d.SecondaryDeliveryPartnerId })
            .OfType<Guid>().Distinct().ToArray();
        if (partnerIds.Length > 0)
        {
            foreach (var partner in await session.LoadManyAsync<DeliveryPartner>(cancellationToken, partnerIds))
                names[partner.Id] = partner.Name;
        }

        return names;
    }
}
