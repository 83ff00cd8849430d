using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Json;
using Npq.Application.DeliveryPartners.ListDeliveryPartners;

namespace Npq.Api.V3.DeliveryPartners;

/// <summary>v3 delivery partners (§3.12): those working with the caller; <c>filter[cohort]</c> is one start year.</summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/delivery-partners")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class DeliveryPartnersController(IMediator mediator) : ControllerBase
{
    public const string Type = "delivery-partner";

    [HttpGet]
    [ListParameters("cohort", SortFields = ["name", "created_at", "updated_at"])]
    [ProducesResponseType<ListEnvelope<DeliveryPartnerAttributes>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        // One start year, read as the reference reads it (an integer column: "2026a" is 2026, "x" is 0 and matches nothing).
        var cohortText = Request.Query["filter[cohort]"].ToString();
        int? cohort = string.IsNullOrWhiteSpace(cohortText) ? null : ListQuery.RubyToI(cohortText);
        var partners = await mediator.Send(new ListDeliveryPartners(HttpContext.Caller(), cohort, query.ReadSort(), query.ReadPage()), cancellationToken);
        return new ApiJsonResult(new ListEnvelope<DeliveryPartnerAttributes>(partners.Select(Resource).ToList()));
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<DeliveryPartnerAttributes>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken) =>
        new ApiJsonResult(new SingleEnvelope<DeliveryPartnerAttributes>(Resource(await mediator.Send(new GetDeliveryPartner(HttpContext.Caller(), id), cancellationToken))));

    private static Resource<DeliveryPartnerAttributes> Resource(DeliveryPartnerWithCohorts p) =>
        new(p.Partner.Id, Type, new DeliveryPartnerAttributes
        {
            Name = p.Partner.Name,
            Cohort = p.Cohorts,
            CreatedAt = p.Partner.CreatedAt,
            UpdatedAt = p.Partner.UpdatedAt,
        });
}
