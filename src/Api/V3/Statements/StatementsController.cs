using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.OpenApi;
using Npq.Api.Json;
using Npq.Application.Statements;
using Npq.Application.Statements.ListStatements;

namespace Npq.Api.V3.Statements;

/// <summary>v3 statements (§3.12): the caller's output-fee statements only.</summary>
[ApiController]
[ApiVersion(3)]
[Route("api/v{version:apiVersion}/statements")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class StatementsController(IMediator mediator) : ControllerBase
{
    public const string Type = "statement";

    [HttpGet]
    [ListParameters("cohort", "updated_since")]
    [ProducesResponseType<ListEnvelope<StatementAttributes>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        var statements = await mediator.Send(new ListStatements(HttpContext.Caller(), query.ReadCohorts(), query.ReadTimestamp("updated_since"), query.ReadPage()), cancellationToken);
        return new ApiJsonResult(new ListEnvelope<StatementAttributes>(statements.Select(Resource).ToList()));
    }

    [HttpGet("{id:guid}")]
    [ProducesResponseType<SingleEnvelope<StatementAttributes>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken) =>
        new ApiJsonResult(new SingleEnvelope<StatementAttributes>(Resource(await mediator.Send(new GetStatement(HttpContext.Caller(), id), cancellationToken))));

    private static Resource<StatementAttributes> Resource(StatementView statement) => new(statement.Id, Type, statement.To<StatementAttributes>());
}
