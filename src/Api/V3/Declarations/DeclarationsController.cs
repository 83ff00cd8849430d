using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Requests;
using Npq.Api.Json;
using Npq.Api.V1.Declarations;
using Npq.Application.Declarations;
using Npq.Application.Declarations.ChangeDeliveryPartner;
using Npq.Application.Declarations.ListDeclarations;
using Npq.Application.Declarations.VoidDeclaration;

namespace Npq.Api.V3.Declarations;

/// <summary>v3 participant declarations (§2.3): transferred declarations visible, delivery partners, 403 on others' declarations.</summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/participant-declarations")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class DeclarationsController(IMediator mediator) : ControllerBase
{
    [HttpGet]
    [ListParameters("participant_id", "updated_since", "cohort")]
    [ProducesResponseType<ListEnvelope<DeclarationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        // The reference's order: updated_since, participant_id, cohort, then the page.
        var updatedSince = query.ReadTimestamp("updated_since");
        var participantIds = query.ReadParticipantIds();
        var declarations = await mediator.Send(new ListDeclarations(HttpContext.Caller(), IncludeTransferred: true,
            participantIds, updatedSince, query.ReadCohorts(), query.ReadPage()), cancellationToken);
        var names = await mediator.Send(new DeclarationNames(HttpContext.Caller(), declarations.ToList()), cancellationToken);
        return new ApiJsonResult(new ListEnvelope<DeclarationAttributesV3>(declarations.Select(d => Resource(d, names)).ToList()));
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken) =>
        await SingleAsync(await mediator.Send(new GetDeclaration(HttpContext.Caller(), IncludeTransferred: true, id), cancellationToken), cancellationToken);

    [HttpPost]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Submit(RequestEnvelope<DeclarationRequestV3> body, CancellationToken cancellationToken) =>
        await SingleAsync(await mediator.Send(DeclarationRequests.Submit(body.Data.Attributes, HttpContext.Caller()) with
        {
            WithDeliveryPartners = true,
            DeliveryPartnerId = body.Data.Attributes.DeliveryPartnerId,
            SecondaryDeliveryPartnerId = body.Data.Attributes.SecondaryDeliveryPartnerId,
        }, cancellationToken), cancellationToken);

    [HttpPut("{id:guid}/void")]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status403Forbidden, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Void(Guid id, CancellationToken cancellationToken) =>
        await SingleAsync(await mediator.Send(new VoidDeclaration(HttpContext.Caller(), id, IncludeTransferred: true), cancellationToken), cancellationToken);

    [DeclarationWriteAccess(includeTransferred: true)]
    [HttpPut("{id:guid}/change-delivery-partner")]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status403Forbidden, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> ChangeDeliveryPartner(Guid id, RequestEnvelope<ChangeDeliveryPartnerRequest> body, CancellationToken cancellationToken)
    {
        var attributes = body.Data.Attributes;
        var declaration = await mediator.Send(new ChangeDeliveryPartner(HttpContext.Caller(), id,
            attributes.DeliveryPartnerId, attributes.SecondaryDeliveryPartnerId), cancellationToken);
        return await SingleAsync(declaration, cancellationToken);
    }

    private async Task<IActionResult> SingleAsync(DeclarationView declaration, CancellationToken cancellationToken)
    {
        var names = await mediator.Send(new DeclarationNames(HttpContext.Caller(), [declaration]), cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<DeclarationAttributesV3>(Resource(declaration, names)));
    }

    private static Resource<DeclarationAttributesV3> Resource(DeclarationView d, IReadOnlyDictionary<Guid, string> names) =>
        new(d.Id, V1.Declarations.DeclarationsController.Type, d.To<DeclarationAttributesV3>() with
        {
            LeadProviderName = names.GetValueOrDefault(d.LeadProviderId, ""),
            DeliveryPartnerName = d.DeliveryPartnerId is { } p ? names.GetValueOrDefault(p) : null,
            SecondaryDeliveryPartnerName = d.SecondaryDeliveryPartnerId is { } s ? names.GetValueOrDefault(s) : null,
        });
}
