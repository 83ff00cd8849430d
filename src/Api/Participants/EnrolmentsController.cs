using System.Globalization;
using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Authentication;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Application.Participants.ListParticipants;

namespace Npq.Api.Participants;

/// <summary>v2 <c>npq-enrolments.csv</c> (§1.9, §2.2); without <c>.csv</c> the format cannot be produced (406).</summary>
[ApiController]
[ApiVersion(2)]
[Route("api/v{version:apiVersion}")]
[Authorize(Policy = Policies.LeadProvider)]
public sealed class EnrolmentsController(IMediator mediator) : ControllerBase
{
    [HttpGet("npq-enrolments.csv")]
    [OpenApi.ListParameters("updated_since", Paged = false)]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    public async Task<IActionResult> Csv(CancellationToken cancellationToken)
    {
        var query = new ListQuery(Request.Query);
        query.RejectNonObjectFilter();
        var enrolments = await mediator.Send(new ListEnrolments(HttpContext.Caller(), query.ReadTimestamp("updated_since")), cancellationToken);
        return Http.Csv.Stream(
            ["participant_id", "course_identifier", "schedule_identifier", "cohort", "npq_application_id", "eligible_for_funding", "training_status", "school_urn", "funded_place"],
            enrolments,
            a =>
            [
                a.ParticipantId, a.CourseIdentifier, a.ScheduleIdentifier, a.Cohort.ToString(CultureInfo.InvariantCulture), a.Id,
                a.EligibleForFundingRaw, WireValues.Of(a.TrainingStatus), a.SchoolUrn, a.FundedPlace,
            ]);
    }

    [HttpGet("npq-enrolments")]
    [ApiExplorerSettings(IgnoreApi = true)]
    public IActionResult NotCsv() => StatusCode(StatusCodes.Status406NotAcceptable);
}
