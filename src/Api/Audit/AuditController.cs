using System.Globalization;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.V3.Declarations;
using Npq.Api.V3.NpqApplications;
using Npq.Api.V3.Statements;
using Npq.Application.Audit;
using Npq.Application.Common.Errors;

namespace Npq.Api.Audit;

/// <summary>
/// The auditors' API (CONTRACT B7), for <c>auditor</c> tokens only: the global event log, one
/// stream's history, and any resource as it stood at a moment or version, rebuilt from events.
/// </summary>
[ApiController]
[ApiExplorerSettings(IgnoreApi = true)]
[ApiVersionNeutral]
[Route("api/audit")]
[Authorize(Policy = Policies.Auditor)]
public sealed partial class AuditController(IMediator mediator) : ControllerBase
{
    [HttpGet("events")]
    public async Task<IActionResult> Events(CancellationToken cancellationToken)
    {
        var after = ReadLong("after", 0);
        var limit = ReadLong("limit", 100);
        if (after < 0 || limit is < 1 or > 1000)
            throw new BadRequestException("'after' must be 0 or more and 'limit' between 1 and 1000");
        var events = await mediator.Send(new ListEvents(HttpContext.Caller(), after, (int)limit), cancellationToken);
        return new ApiJsonResult(new { data = events, next_after = events.Count > 0 ? events[^1].Sequence : after });
    }

    [HttpGet("streams/{id:guid}")]
    public async Task<IActionResult> Stream(Guid id, CancellationToken cancellationToken) =>
        new ApiJsonResult(new { data = await mediator.Send(new GetStreamHistory(HttpContext.Caller(), id), cancellationToken) });

    [HttpGet("npq-applications/{id:guid}")]
    public Task<IActionResult> Application(Guid id, CancellationToken cancellationToken) =>
        AsOfAsync(AuditResource.Application, id, s => NpqApplicationsController.Resource(s.Application!), cancellationToken);

    [HttpGet("participants/{id:guid}")]
    public Task<IActionResult> Participant(Guid id, CancellationToken cancellationToken) =>
        AsOfAsync(AuditResource.Participant, id, s => V3.Participants.ParticipantsV3.Instance.Resource(s.Participant!), cancellationToken);

    [HttpGet("participant-declarations/{id:guid}")]
    public Task<IActionResult> Declaration(Guid id, CancellationToken cancellationToken) =>
        AsOfAsync(AuditResource.Declaration, id,
            s => new Resource<DeclarationAttributesV3>(s.Declaration!.Id, V1.Declarations.DeclarationsController.Type, s.Declaration.To<DeclarationAttributesV3>()),
            cancellationToken);

    [HttpGet("statements/{id:guid}")]
    public Task<IActionResult> Statement(Guid id, CancellationToken cancellationToken) =>
        AsOfAsync(AuditResource.Statement, id,
            s => new Resource<StatementAttributes>(s.Statement!.Id, StatementsController.Type, s.Statement.To<StatementAttributes>()), cancellationToken);

    private async Task<IActionResult> AsOfAsync(AuditResource resource, Guid id, Func<AsOfState, object> map, CancellationToken cancellationToken)
    {
        DateTimeOffset? asOf = Request.Query["as_of"].ToString() is { Length: > 0 } text
            ? ListQuery.ParseTimestamp(text) ?? throw new BadRequestException("'as_of' must be an ISO 8601 date-time")
            : null;
        long? version = Request.Query.ContainsKey("version") ? ReadLong("version", 0) : null;
        var state = await mediator.Send(new GetStateAsOf(HttpContext.Caller(), resource, id, asOf, version), cancellationToken);
        return new ApiJsonResult(new { data = map(state), as_of_sequence = state.Sequence });
    }

    /// <summary>A whole number from the query string (400 when it is not one), or <paramref name="fallback"/>.</summary>
    private long ReadLong(string name, long fallback) =>
        Request.Query[name].ToString() is { Length: > 0 } text
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new BadRequestException($"'{name}' must be a whole number")
            : fallback;
}
