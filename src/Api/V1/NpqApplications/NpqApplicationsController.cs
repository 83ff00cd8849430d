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

namespace Npq.Api.V1.NpqApplications;

/// <summary>
/// v1 and v2 applications (CONTRACT §2.1–§2.2): the two versions share paths, rules and views, so
/// one thin controller serves both. As they were live, reject works only on pending applications.
/// </summary>
[ApiController]
[ApiVersion(1)]
[ApiVersion(2)]
[Route("api/v{version:apiVersion}/npq-applications")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class NpqApplicationsController(IMediator mediator) : ControllerBase
{
    public const string Type = "npq_application";

    [HttpGet]
    [ListParameters("cohort", "updated_since")]
    [ProducesResponseType<ListEnvelope<ApplicationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        var rows = await mediator.Send(new ListApplicationsJson(Filters(query) with { Page = query.ReadPage() }), cancellationToken);
        return new StoredJsonListResult<ApplicationView, ApplicationAttributesV1>(rows, ApplicationJson.V1, Type);
    }

    [HttpGet("~/api/v{version:apiVersion}/npq-applications.csv")]
    [ListParameters("cohort", "updated_since", Paged = false)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public async Task<IActionResult> Csv(CancellationToken cancellationToken)
    {
        var applications = await mediator.Send(new StreamApplications(Filters(new ListQuery(Request.Query))), cancellationToken);
        return ApplicationsCsv.Write(applications);
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken)
    {
        return Single(await mediator.Send(new GetApplication(HttpContext.Caller(), id), cancellationToken));
    }

    [ApplicationWriteAccess]
    [HttpPost("{id:guid}/accept")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Accept(
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RequestEnvelope<AcceptApplicationRequestV1>? body, CancellationToken cancellationToken)
    {
        // v1/v2 take only funded_place; a schedule_identifier is ignored.
        var application = await mediator.Send(
            new AcceptApplication(HttpContext.Caller(), id, body?.Data.Attributes.FundedPlace, null),
            cancellationToken);
        return Single(application);
    }

    [HttpPost("{id:guid}/reject")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Reject(Guid id, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new RejectApplication(HttpContext.Caller(), id, AllowRejectingAccepted: false), cancellationToken));

    [ApplicationWriteAccess]
    [HttpPut("{id:guid}/change-funded-place")]
    [ProducesResponseType<SingleEnvelope<ApplicationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> ChangeFundedPlace(
        Guid id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RequestEnvelope<ChangeFundedPlaceRequest>? body, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new ChangeFundedPlace(HttpContext.Caller(), id, body?.Data.Attributes.FundedPlace), cancellationToken));

    private static ApiJsonResult Single(ApplicationView application) =>
        new(new SingleEnvelope<ApplicationAttributesV1>(
            new Resource<ApplicationAttributesV1>(application.Id, Type, application.To<ApplicationAttributesV1>())));

    private ListApplications Filters(ListQuery query)
    {
        query.RejectNonObjectFilter();
        return new ListApplications(HttpContext.Caller(), query.ReadCohorts(), query.ReadTimestamp("updated_since"), null, [], null);
    }
}
