using System.Text.RegularExpressions;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.OpenApi;
using Npq.Api.Requests;
using Npq.Api.V1.Participants;
using Npq.Api.V2.Participants;
using Npq.Api.V3.Participants;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Outcomes.CreateOutcome;
using Npq.Application.Outcomes.ListOutcomes;
using Npq.Application.Participants;
using Npq.Application.Participants.ChangeSchedule;
using Npq.Application.Participants.ChangeTrainingStatus;
using Npq.Application.Participants.ListParticipants;

namespace Npq.Api.Participants;

/// <summary>
/// Participants and outcomes in every version (CONTRACT §2.1–§2.3, §2.5, §2.7, §3.4–§3.6, §3.11).
/// Paths and rules are shared; what differs by version (views, withdrawal reasons, 410 or 404, list
/// filters) is said by that version's <see cref="ParticipantsVersion"/> in <c>V1/</c>, <c>V2/</c>, <c>V3/</c>.
/// </summary>
[ApiController]
[ApiVersion(1)]
[ApiVersion(2)]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/participants/npq")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed partial class ParticipantsController(IMediator mediator) : ControllerBase
{
    // The version routing resolved (v1, V1 and v1.0 alike), not the raw route text.
    private ParticipantsVersion Version =>
        ParticipantsVersion.For(HttpContext.Features.Get<Asp.Versioning.IApiVersioningFeature>()?.RequestedApiVersion?.MajorVersion ?? 1);

    [HttpGet]
    [DocumentedResponse(typeof(ListEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(ListEnvelope<ParticipantAttributesV2>), Version = 2)]
    [DocumentedResponse(typeof(ListEnvelope<ParticipantAttributesV3>), Version = 3)]
    [DocumentedResponse(typeof(Errors.ErrorBodies.ErrorList), StatusCode = StatusCodes.Status422UnprocessableEntity, Version = 3)]
    [ListParameters("updated_since")]
    [ListParameters("updated_since", "training_status", "from_participant_id", SortFields = ["created_at", "updated_at"], Version = 3)]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        var version = Version;
        var updatedSince = query.ReadTimestamp("updated_since"); // its 400 before the training_status 422, as the reference
        var (status, from, sort) = version.ListFilters(query, Request.Query);
        var participants = await mediator.Send(
            new ListParticipants(HttpContext.Caller(), updatedSince, status, from, sort, query.ReadPage()), cancellationToken);
        return new ApiJsonResult(new { data = participants.Select(version.Resource).ToList() });
    }

    [HttpGet("{id:guid}")]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV2>), Version = 2)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV3>), Version = 3)]
    [DocumentedResponse(typeof(Errors.ErrorBodies.GoneList), StatusCode = StatusCodes.Status410Gone, Version = 3)]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new GetParticipant(HttpContext.Caller(), id, Version.GoneForRetired), cancellationToken));

    [HttpPut("{id:guid}/defer")]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV2>), Version = 2)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV3>), Version = 3)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Defer(Guid id, RequestEnvelope<DeferRequest> body, CancellationToken cancellationToken) =>
        await TrainingAsync(id, TrainingAction.Defer, body.Data.Attributes.CourseIdentifier, body.Data.Attributes.Reason, cancellationToken);

    [HttpPut("{id:guid}/resume")]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV2>), Version = 2)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV3>), Version = 3)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Resume(Guid id, RequestEnvelope<ResumeRequest> body, CancellationToken cancellationToken) =>
        await TrainingAsync(id, TrainingAction.Resume, body.Data.Attributes.CourseIdentifier, null, cancellationToken);

    // The bodies of v1/v2 and v3 differ in the reasons they document (and the version's own list
    // decides which reasons are taken), so each has its action.
    [HttpPut("{id:guid}/withdraw")]
    [MapToApiVersion(1)]
    [MapToApiVersion(2)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV2>), Version = 2)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Withdraw(Guid id, RequestEnvelope<WithdrawRequestV1> body, CancellationToken cancellationToken) =>
        await TrainingAsync(id, TrainingAction.Withdraw, body.Data.Attributes.CourseIdentifier, body.Data.Attributes.Reason, cancellationToken);

    [HttpPut("{id:guid}/withdraw")]
    [MapToApiVersion(3)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV3>), Version = 3)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> WithdrawV3(Guid id, RequestEnvelope<WithdrawRequestV3> body, CancellationToken cancellationToken) =>
        await TrainingAsync(id, TrainingAction.Withdraw, body.Data.Attributes.CourseIdentifier, body.Data.Attributes.Reason, cancellationToken);

    [HttpPut("{id:guid}/change-schedule")]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV1>), Version = 1)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV2>), Version = 2)]
    [DocumentedResponse(typeof(SingleEnvelope<ParticipantAttributesV3>), Version = 3)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> ChangeSchedule(Guid id, RequestEnvelope<ChangeScheduleRequest> body, CancellationToken cancellationToken)
    {
        var attributes = body.Data.Attributes;
        return Single(await mediator.Send(new ChangeSchedule(HttpContext.Caller(), id,
            attributes.CourseIdentifier, attributes.ScheduleIdentifier, attributes.Cohort), cancellationToken));
    }

    [HttpGet("outcomes")]
    [DocumentedResponse(typeof(ListEnvelope<OutcomeAttributesV1>))]
    [DocumentedResponse(typeof(ListEnvelope<OutcomeAttributesV3>), Version = 3)]
    [ListParameters("created_since")]
    public async Task<IActionResult> Outcomes(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        var outcomes = await mediator.Send(new ListOutcomes(HttpContext.Caller(), query.ReadTimestamp("created_since"), query.ReadPage()), cancellationToken);
        return new ApiJsonResult(new { data = outcomes.Select(Version.Outcome).ToList() });
    }

    [HttpGet("{id:guid}/outcomes")]
    [DocumentedResponse(typeof(ListEnvelope<OutcomeAttributesV1>))]
    [DocumentedResponse(typeof(ListEnvelope<OutcomeAttributesV3>), Version = 3)]
    [DocumentedResponse(typeof(Errors.ErrorBodies.GoneList), StatusCode = StatusCodes.Status410Gone, Version = 3)]
    [ListParameters]
    public async Task<IActionResult> ParticipantOutcomes(Guid id, CancellationToken cancellationToken)
    {
        // The reference answers 410 and 404 before a bad page: the lookup runs first (on the first
        // page), then the page's 400.
        BadRequestException? badPage = null;
        Page page;
        try
        {
            page = new ListQuery(Request.Query).ReadPage();
        }
        catch (BadRequestException e)
        {
            (badPage, page) = (e, new Page(1, 1));
        }

        var version = Version;
        var outcomes = await mediator.Send(new ListParticipantOutcomes(HttpContext.Caller(), id, version.GoneForRetired, page), cancellationToken);
        return badPage is null ? new ApiJsonResult(new { data = outcomes.Select(version.Outcome).ToList() }) : throw badPage;
    }

    [HttpPost("{id:guid}/outcomes")]
    [DocumentedResponse(typeof(SingleEnvelope<OutcomeAttributesV1>))]
    [DocumentedResponse(typeof(SingleEnvelope<OutcomeAttributesV3>), Version = 3)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> CreateOutcome(Guid id, RequestEnvelope<CreateOutcomeRequest> body, CancellationToken cancellationToken)
    {
        var attributes = body.Data.Attributes;
        var outcome = await mediator.Send(new CreateOutcome(HttpContext.Caller(), id,
            attributes.CourseIdentifier, attributes.State, attributes.CompletionDate), cancellationToken);
        return new ApiJsonResult(new { data = Version.Outcome(outcome) });
    }

    private async Task<IActionResult> TrainingAsync(Guid id, TrainingAction action, string? course, string? reason, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new ChangeTrainingStatus(HttpContext.Caller(), id, action, course, reason, Version.WithdrawalReasons), cancellationToken));

    private ApiJsonResult Single(ParticipantResult participant) => new(new { data = Version.Resource(participant) });
}
