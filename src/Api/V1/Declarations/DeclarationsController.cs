using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Requests;
using Npq.Api.Json;
using Npq.Application.Declarations;
using Npq.Application.Declarations.ListDeclarations;
using Npq.Application.Declarations.SubmitDeclaration;
using Npq.Application.Declarations.VoidDeclaration;
using Npq.Domain.Declarations;

namespace Npq.Api.V1.Declarations;

/// <summary>
/// v1 and v2 participant declarations (CONTRACT §2.1–§2.2): same paths and rules; the views differ
/// (v1 adds <c>voided</c> and <c>eligible_for_payment</c>). No delivery partners (B1).
/// </summary>
[ApiController]
[ApiVersion(1)]
[ApiVersion(2)]
[Route("api/v{version:apiVersion}/participant-declarations")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class DeclarationsController(IMediator mediator) : ControllerBase
{
    public const string Type = "participant-declaration";

    // The version routing resolved (v1, V1 and v1.0 alike), not the raw route text.
    private bool IsV1 => HttpContext.Features.Get<Asp.Versioning.IApiVersioningFeature>()?.RequestedApiVersion?.MajorVersion == 1;

    [HttpGet]
    [ListParameters("participant_id", "updated_since")]
    [ProducesResponseType<ListEnvelope<DeclarationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [DocumentedResponse(typeof(ListEnvelope<DeclarationAttributesV2>), Version = 2)]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        var declarations = await mediator.Send(Filters(query) with { Page = query.ReadPage() }, cancellationToken);
        return new ApiJsonResult(IsV1
            ? new ListEnvelope<DeclarationAttributesV1>(declarations.Select(d => Resource<DeclarationAttributesV1>(d)).ToList())
            : new ListEnvelope<DeclarationAttributesV2>(declarations.Select(d => Resource<DeclarationAttributesV2>(d)).ToList()));
    }

    [HttpGet("~/api/v{version:apiVersion}/participant-declarations.csv")]
    [ListParameters("participant_id", "updated_since", Paged = false)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public async Task<IActionResult> Csv(CancellationToken cancellationToken)
    {
        var declarations = await mediator.Send(new StreamDeclarations(Filters(new ListQuery(Request.Query))), cancellationToken);
        return DeclarationsCsv.Write(declarations, IsV1);
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [DocumentedResponse(typeof(SingleEnvelope<DeclarationAttributesV2>), Version = 2)]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new GetDeclaration(HttpContext.Caller(), IncludeTransferred: false, id), cancellationToken));

    [HttpPost]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [DocumentedResponse(typeof(SingleEnvelope<DeclarationAttributesV2>), Version = 2)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Submit(RequestEnvelope<DeclarationRequestV1> body, CancellationToken cancellationToken) =>
        Single(await mediator.Send(DeclarationRequests.Submit(body.Data.Attributes, HttpContext.Caller()), cancellationToken));

    [HttpPut("{id:guid}/void")]
    [ProducesResponseType<SingleEnvelope<DeclarationAttributesV1>>(StatusCodes.Status200OK, "application/json")]
    [DocumentedResponse(typeof(SingleEnvelope<DeclarationAttributesV2>), Version = 2)]
    [ProducesResponseType<Errors.ErrorBodies.ErrorList>(StatusCodes.Status422UnprocessableEntity, "application/json")]
    public async Task<IActionResult> Void(Guid id, CancellationToken cancellationToken) =>
        Single(await mediator.Send(new VoidDeclaration(HttpContext.Caller(), id, IncludeTransferred: false), cancellationToken));

    private ApiJsonResult Single(DeclarationView declaration) => new(IsV1
        ? new SingleEnvelope<DeclarationAttributesV1>(Resource<DeclarationAttributesV1>(declaration))
        : new SingleEnvelope<DeclarationAttributesV2>(Resource<DeclarationAttributesV2>(declaration)));

    private static Resource<T> Resource<T>(DeclarationView declaration) => new(declaration.Id, Type, declaration.To<T>());

    private ListDeclarations Filters(ListQuery query)
    {
        query.RejectNonObjectFilter();
        return new ListDeclarations(HttpContext.Caller(), IncludeTransferred: false, query.ReadParticipantIds(), query.ReadTimestamp("updated_since"), null, null);
    }
}

/// <summary><c>participant-declarations.csv</c> (§1.9): the flattened view without <c>type</c>; empty body when no rows.</summary>
public static class DeclarationsCsv
{
    public static CsvResult Write(IAsyncEnumerable<DeclarationView> declarations, bool v1)
    {
        IReadOnlyList<string> header = v1
            ? ["id", "participant_id", "declaration_type", "course_identifier", "declaration_date", "state", "has_passed", "voided", "eligible_for_payment", "updated_at"]
            : ["id", "participant_id", "declaration_type", "course_identifier", "declaration_date", "state", "has_passed", "updated_at"];
        return Http.Csv.Stream(header, declarations, d => v1
            ?
            [
                d.Id, d.ParticipantId, d.DeclarationType, d.CourseIdentifier, d.DeclarationDate, DeclarationWire.Of(d.State), d.HasPassed,
                d.State == DeclarationState.Voided, d.State is DeclarationState.Eligible or DeclarationState.Payable, d.UpdatedAt,
            ]
            : [d.Id, d.ParticipantId, d.DeclarationType, d.CourseIdentifier, d.DeclarationDate, DeclarationWire.Of(d.State), d.HasPassed, d.UpdatedAt],
            headerWhenEmpty: false);
    }
}

/// <summary>The command of a submission from a v1 or v2 body; v3 adds its delivery partners (<c>V3.Declarations.DeclarationsController</c>).</summary>
public static class DeclarationRequests
{
    public static SubmitDeclaration Submit(DeclarationRequestV1 request, Application.Common.Caller caller) => new()
    {
        Caller = caller,
        ParticipantId = request.ParticipantId,
        DeclarationType = request.DeclarationType,
        DeclarationDate = request.DeclarationDate,
        CourseIdentifier = request.CourseIdentifier,
        HasPassed = request.HasPassed,
    };
}
