using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Requests;
using Npq.Api.Json;
using Npq.Application.NpqApplications;
using Npq.Application.NpqApplications.AcceptApplication;
using Npq.Application.NpqApplications.ChangeFundedPlace;
using Npq.Application.NpqApplications.GetApplication;
using Npq.Application.NpqApplications.RejectApplication;
using Npq.Application.NpqApplications.ListApplications;

namespace Npq.Api.V3.NpqApplications;

/// <summary>v3 applications (CONTRACT §2.3): adds the <c>participant_id</c> filter and <c>sort</c>; no CSV.</summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/npq-applications")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class NpqApplicationsController(IMediator mediator) : ControllerBase
{
    public const string Type = "npq_application";

    [HttpGet]
    [ListParameters("cohort", "participant_id", "updated_since", SortFields = ["created_at", "updated_at"])]
    [ProducesResponseType<ListEnvelope<ApplicationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        // Read in the reference's order (cohort, participant_id, updated_since, sort, page): with two
        // bad filters, the same one is reported.
        var cohorts = query.ReadCohorts();
        var participantIds = query.ReadParticipantIds();
        var updatedSince = query.ReadTimestamp("updated_since");
        var sort = query.ReadSort();
        var rows = await mediator.Send(
            new ListApplicationsJson(new ListApplications(HttpContext.Caller(), cohorts, updatedSince, participantIds, sort, query.ReadPage())),
            cancellationToken);
        return new StoredJsonListResult<ApplicationView, ApplicationAttributesV3>(rows, ApplicationJson.V3, Type);
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken)
    {
        var application = await mediator.Send(new GetApplication(HttpContext.Caller(), id), cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(Resource(application)));
    }

    [ApplicationWriteAccess]
    [HttpPost("{id:guid}/accept")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Accept(
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RequestEnvelope<AcceptApplicationRequestV3>? body, CancellationToken cancellationToken)
    {
        var attributes = body?.Data.Attributes;
        var application = await mediator.Send(
            new AcceptApplication(HttpContext.Caller(), id, attributes?.FundedPlace, attributes?.ScheduleIdentifier),
            cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(Resource(application)));
    }

    [HttpPost("{id:guid}/reject")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Reject(Guid id, CancellationToken cancellationToken)
    {
        var application = await mediator.Send(new RejectApplication(HttpContext.Caller(), id, AllowRejectingAccepted: true), cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(Resource(application)));
    }

    [ApplicationWriteAccess]
    [HttpPut("{id:guid}/change-funded-place")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV3>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> ChangeFundedPlace(
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RequestEnvelope<ChangeFundedPlaceRequest>? body, CancellationToken cancellationToken)
    {
        var application = await mediator.Send(new ChangeFundedPlace(HttpContext.Caller(), id, body?.Data.Attributes.FundedPlace), cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(Resource(application)));
    }

    public static Resource<ApplicationAttributesV3> Resource(ApplicationView application) =>
        new(application.Id, Type, application.To<ApplicationAttributesV3>());
}
