using System.Globalization;
using System.Text.Json;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.Requests;
using Npq.Api.Json;
using Npq.Api.V3.NpqApplications;
using Npq.Api.V3.Statements;
using Npq.Application.Common.Errors;
using Npq.Application.DeliveryPartners;
using Npq.Application.NpqApplications.TransferApplication;
using Npq.Application.Participants.ChangeParticipantId;
using Npq.Application.Statements;
using Npq.Application.Statements.Admin;
using Npq.Domain.Common;

namespace Npq.Api.Admin;

/// <summary>
/// DfE-side operations (CONTRACT B8) for <c>admin</c> tokens: statements and contracts, statement
/// payment runs, delivery partners, application transfers. Each is a command producing events;
/// the same commands run from the executable (<c>statements …</c>, <c>applications transfer</c>).
/// </summary>
[ApiController]
[ApiExplorerSettings(IgnoreApi = true)]
[ApiVersionNeutral]
[Route("api/admin")]
[Authorize(Policy = Policies.Admin)]
public sealed class AdminController(IMediator mediator) : ControllerBase
{
    public sealed record StatementLineAttributes(Guid DeclarationId, string LineType, string State);

    public sealed record AdminStatementAttributes(
        Guid LeadProviderId, string Cohort, string CohortId, int Year, int Month, DateOnly CutOffDate, DateOnly PaymentDate,
        bool OutputFee, string State, IReadOnlyList<StatementLineAttributes> Lines, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    [HttpPost("statements")]
    public async Task<IActionResult> OpenStatement(RequestEnvelope<OpenStatementRequest> request, CancellationToken cancellationToken)
    {
        var body = request.Data.Attributes;
        var errors = new List<DomainError>();
        var provider = Guid.TryParse(body.LeadProviderId, out var p) ? p : Fail(errors, "lead_provider_id", Guid.Empty);
        var year = int.TryParse(body.Year, CultureInfo.InvariantCulture, out var y) ? y : Fail(errors, "year", 0);
        var month = int.TryParse(body.Month, CultureInfo.InvariantCulture, out var m) ? m : Fail(errors, "month", 0);
        var deadline = DateOnly.TryParseExact(body.DeadlineDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : Fail(errors, "deadline_date", default(DateOnly));
        var payment = DateOnly.TryParseExact(body.PaymentDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var pd) ? pd : Fail(errors, "payment_date", default(DateOnly));
        var courses = ReadList<string>(body.Courses, "courses", errors);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        var statement = await mediator.Send(new OpenStatement(HttpContext.Caller(), provider, body.Cohort ?? "", year, month, deadline, payment,
            body.OutputFee ?? true, courses), cancellationToken);
        return Statement(statement);
    }

    [HttpPost("statements/{id:guid}/mark-payable")]
    public async Task<IActionResult> MarkPayable(Guid id, CancellationToken cancellationToken) =>
        Statement(await mediator.Send(new MarkStatementPayable(HttpContext.Caller(), id), cancellationToken));

    [HttpPost("statements/{id:guid}/mark-paid")]
    public async Task<IActionResult> MarkPaid(Guid id, CancellationToken cancellationToken) =>
        Statement(await mediator.Send(new MarkStatementPaid(HttpContext.Caller(), id), cancellationToken));

    [HttpPost("npq-applications/{id:guid}/transfer")]
    public async Task<IActionResult> Transfer(Guid id, RequestEnvelope<TransferApplicationRequest> request, CancellationToken cancellationToken)
    {
        var body = request.Data.Attributes;
        if (!Guid.TryParse(body.LeadProviderId, out var to))
            throw new RuleViolationException("lead_provider_id", "Enter the id of the lead provider to transfer to");
        var application = await mediator.Send(new TransferApplication(HttpContext.Caller(), id, to), cancellationToken);
        return new ApiJsonResult(new SingleEnvelope<ApplicationAttributesV3>(NpqApplicationsController.Resource(application)));
    }

    [HttpPost("delivery-partners")]
    public async Task<IActionResult> AddDeliveryPartner(RequestEnvelope<AddDeliveryPartnerRequest> request, CancellationToken cancellationToken)
    {
        var body = request.Data.Attributes;
        var errors = new List<DomainError>();
        var partnerships = ReadList<PartnershipInput>(body.Partnerships, "partnerships", errors);
        if (errors.Count > 0)
            throw new RuleViolationException(errors);
        var partner = await mediator.Send(new AddDeliveryPartner(HttpContext.Caller(), Guid.TryParse(body.Id, out var id) ? id : null,
            body.Name ?? "", partnerships.Select(x => (x.LeadProviderId, x.Cohort)).ToList()), cancellationToken);
        return new ApiJsonResult(new { data = new { id = partner.Id, type = "delivery-partner", attributes = new { name = partner.Name } } });
    }

    public sealed record PartnershipInput(Guid LeadProviderId, int Cohort);

    /// <summary>Retire a participant id in favour of another (a merge, B8).</summary>
    [HttpPost("participants/{id:guid}/change-id")]
    public async Task<IActionResult> ChangeParticipantId(Guid id, RequestEnvelope<ChangeParticipantIdRequest> request, CancellationToken cancellationToken)
    {
        var body = request.Data.Attributes;
        if (!Guid.TryParse(body.ToParticipantId, out var to))
            throw new RuleViolationException("to_participant_id", "Enter the participant ID to change to");
        var participant = await mediator.Send(new ChangeParticipantId(HttpContext.Caller(), id, to), cancellationToken);
        return new ApiJsonResult(new { data = new { id = participant.Id, type = "npq-participant", attributes = new { participant_id_changes = participant.ParticipantIdChanges } } });
    }

    /// <summary>An array attribute; a value of the wrong shape is a 422 on that attribute, never a 500.</summary>
    internal static List<T> ReadList<T>(string? text, string name, List<DomainError> errors)
    {
        if (text is null)
            return [];
        try
        {
            return text.StartsWith('[') ? JsonSerializer.Deserialize<List<T>>(text, ApiJson.Options) ?? [] : Fail(errors, name, new List<T>());
        }
        catch (JsonException)
        {
            return Fail(errors, name, new List<T>());
        }
    }

    private static T Fail<T>(List<DomainError> errors, string title, T value)
    {
        errors.Add(new DomainError(title, $"'#/{title}' is missing or not valid"));
        return value;
    }

    private static ApiJsonResult Statement(StatementView s) =>
        new(new SingleEnvelope<AdminStatementAttributes>(new Resource<AdminStatementAttributes>(s.Id, StatementsController.Type,
            new AdminStatementAttributes(s.LeadProviderId, s.Cohort.ToString(CultureInfo.InvariantCulture), s.CohortId, s.Year, s.Month,
                s.DeadlineDate, s.PaymentDate, s.OutputFee, s.State.ToString().ToLowerInvariant(),
                s.Lines.Select(l => new StatementLineAttributes(l.DeclarationId, l.LineType, l.State)).ToList(), s.CreatedAt, s.UpdatedAt))));
}
