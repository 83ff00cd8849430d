using Marten;
using Npq.Application.DeliveryPartners;
using Npq.Application.NpqApplications;
using Npq.Domain.Declarations;

namespace Npq.Application.Declarations;

/// <summary>The delivery-partner facts of §3.7 #15–#16 and §3.10, shared by submit and change.</summary>
public static class DeliveryPartnerChecks
{
    public static async Task<DeliveryPartnerFacts> FactsAsync(
        IQuerySession session, string? primaryText, string? secondaryText, Guid providerId, ApplicationView application, CancellationToken cancellationToken)
    {
        var primaryGiven = !string.IsNullOrWhiteSpace(primaryText);
        var secondaryGiven = !string.IsNullOrWhiteSpace(secondaryText);
        var primary = Guid.TryParse(primaryText, out var p) ? p : (Guid?)null;
        var secondary = Guid.TryParse(secondaryText, out var s) ? s : (Guid?)null;
        var ids = new[] { primary, secondary }.OfType<Guid>().ToArray();
        var partners = ids.Length == 0 ? [] : (await session.LoadManyAsync<DeliveryPartner>(cancellationToken, ids)).Select(x => x.Id).ToHashSet();
        var partnershipIds = ids.Select(id => Partnership.IdOf(providerId, id, application.Cohort)).ToArray();
        var partnerships = partnershipIds.Length == 0
            ? []
            : (await session.LoadManyAsync<Partnership>(cancellationToken, partnershipIds)).Select(x => x.DeliveryPartnerId).ToHashSet();

        // Inside catchment: England; before 2024 a school URN starting with 1 also counts (§3.7).
        var inside = application.CatchmentAnswer == "england"
                     || (application.Cohort < 2024 && application.SchoolUrn?.StartsWith('1') == true);
        return new DeliveryPartnerFacts(
            Apply: true,
            PrimaryGiven: primaryGiven,
            PrimaryExists: primary is { } a && partners.Contains(a),
            SecondaryGiven: secondaryGiven,
            SecondaryExists: secondary is { } b && partners.Contains(b),
            PrimaryIsProvidersPartnerForCohort: primary is { } c && partnerships.Contains(c),
            SecondaryIsProvidersPartnerForCohort: secondary is { } d && partnerships.Contains(d),
            SameAsPrimary: primaryGiven && secondaryGiven && string.Equals(primaryText!.Trim(), secondaryText!.Trim(), StringComparison.OrdinalIgnoreCase),
            InsideCatchment: inside,
            CohortYear: application.Cohort);
    }
}
