using Mediator;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Api.V3.NpqApplications;
using Microsoft.Extensions.Options;
using Npq.Application.Common.Errors;
using Npq.Application.Registration;
using Npq.Application.Registration.RegisterApplication;

namespace Npq.Api.Registration;

/// <summary>
/// <c>POST /api/registrations</c> (CONTRACT B5): the JSON twin of the registration form. No token;
/// enabled by <c>Npq:Registration:Enabled</c> (on in Sandbox and Development).
/// Answers 201 with the v3 application view.
/// </summary>
[ApiController]
[ApiExplorerSettings(IgnoreApi = true)]
[Route("api/registrations")]
[Asp.Versioning.ApiVersionNeutral]
public sealed class RegistrationsController(IMediator mediator, IOptions<RegistrationOptions> options) : ControllerBase
{
    [HttpPost]
    public async Task<IActionResult> Register(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
            throw new ResourceNotFoundException();
        var body = (await JsonBody.ReadAsync(Request, cancellationToken)).RequireAttributes();
        var application = await mediator.Send(FromBody(body) with { Caller = HttpContext.Caller() }, cancellationToken);
        return new ApiJsonResult(
            new SingleEnvelope<ApplicationAttributesV3>(NpqApplicationsController.Resource(application)),
            StatusCodes.Status201Created);
    }

    public static RegisterApplication FromBody(JsonBody body) => new()
    {
        Caller = Application.Common.Caller.Anonymous,
        FullName = body.Text("full_name"),
        Email = body.Text("email"),
        DateOfBirth = body.Text("date_of_birth"),
        TeacherReferenceNumber = body.Text("teacher_reference_number"),
        NationalInsuranceNumber = body.Text("national_insurance_number"),
        CourseIdentifier = body.Text("course_identifier"),
        LeadProviderId = body.Text("lead_provider_id"),
        Cohort = body.Text("cohort"),
        TeacherCatchment = body.Text("teacher_catchment"),
        TeacherCatchmentCountry = body.Text("teacher_catchment_country"),
        WorkSetting = body.Text("work_setting"),
        SchoolUrn = body.Text("school_urn"),
        KindOfNursery = body.Text("kind_of_nursery"),
        PrivateChildcareProviderUrn = body.Text("private_childcare_provider_urn"),
        EmploymentType = body.Text("employment_type"),
        EmploymentRole = body.Text("employment_role"),
        EmployerName = body.Text("employer_name"),
        LeadMentor = body.Text("lead_mentor"),
        IttProvider = body.Text("itt_provider"),
        ReferredByReturnToTeachingAdviser = body.Text("referred_by_return_to_teaching_adviser"),
        EhcoHeadteacher = body.Text("ehco_headteacher"),
        EhcoNewHeadteacher = body.Text("ehco_new_headteacher"),
        WorksAsSenco = body.Text("works_as_senco"),
        SencoStartDate = body.Text("senco_start_date"),
        FundingChoice = body.Text("funding_choice"),
        ParticipantId = body.Text("participant_id"),
    };
}
