using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.DeliveryPartners.ListDeliveryPartners;

/// <summary>A delivery partner with the start years in which it works with the caller (§2.9).</summary>
public sealed record DeliveryPartnerWithCohorts(DeliveryPartner Partner, IReadOnlyList<int> Cohorts);

/// <summary>Partners with at least one partnership with the caller; <c>filter[cohort]</c> a single year; sort (§1.8).</summary>
public sealed record ListDeliveryPartners(Caller Caller, int? Cohort, IReadOnlyList<SortField> Sort, Page Page)
    : IQuery<IReadOnlyList<DeliveryPartnerWithCohorts>>, ILeadProviderRequest;

public sealed class ListDeliveryPartnersHandler(IQuerySession session) : IQueryHandler<ListDeliveryPartners, IReadOnlyList<DeliveryPartnerWithCohorts>>
{
    public async ValueTask<IReadOnlyList<DeliveryPartnerWithCohorts>> Handle(ListDeliveryPartners query, CancellationToken cancellationToken)
    {
        var partnerships = await session.Query<Partnership>().Where(p => p.LeadProviderId == query.Caller.ProviderId).ToListAsync(cancellationToken);
        var cohortsByPartner = partnerships.GroupBy(p => p.DeliveryPartnerId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(p => p.Cohort).Distinct().Order().ToList());
        var ids = cohortsByPartner.Keys.Where(id => query.Cohort is not { } cohort || cohortsByPartner[id].Contains(cohort)).ToArray();
        var partners = ids.Length == 0 ? [] : await session.LoadManyAsync<DeliveryPartner>(cancellationToken, ids);

        IOrderedEnumerable<DeliveryPartner>? ordered = null;
        foreach (var (field, descending) in query.Sort)
        {
            Func<DeliveryPartner, IComparable> key = field switch
            {
                "name" => p => p.Name,
                "created_at" => p => p.CreatedAt,
                "updated_at" => p => p.UpdatedAt,
                _ => null!,
            };
            if (key is null)
                continue;
            ordered = ordered is null
                ? descending ? partners.OrderByDescending(key) : partners.OrderBy(key)
                : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }

        ordered ??= partners.OrderBy(p => p.Name, StringComparer.Ordinal);
        return ordered.ThenBy(p => p.Id).Skip(query.Page.Skip).Take(query.Page.Size)
            .Select(p => new DeliveryPartnerWithCohorts(p, cohortsByPartner[p.Id])).ToList();
    }
}

public sealed record GetDeliveryPartner(Caller Caller, Guid Id) : IQuery<DeliveryPartnerWithCohorts>, ILeadProviderRequest;

public sealed class GetDeliveryPartnerHandler(IQuerySession session) : IQueryHandler<GetDeliveryPartner, DeliveryPartnerWithCohorts>
{
    public async ValueTask<DeliveryPartnerWithCohorts> Handle(GetDeliveryPartner query, CancellationToken cancellationToken)
    {
        var providerId = query.Caller.ProviderId;
        var partnerId = query.Id;
        var cohorts = await session.Query<Partnership>()
            .Where(p => p.LeadProviderId == providerId && p.DeliveryPartnerId == partnerId)
            .Select(p => p.Cohort).ToListAsync(cancellationToken);
        var partner = await session.LoadAsync<DeliveryPartner>(query.Id, cancellationToken);
        if (partner is null || cohorts.Count == 0)
            throw new ResourceNotFoundException();
        return new DeliveryPartnerWithCohorts(partner, cohorts.Distinct().Order().ToList());
    }
}
