using Npq.Api.Requests;
using Npq.Application.Registration.RegisterApplication;

namespace Npq.Api.Registration;

/// <summary>
/// The registration attributes of CONTRACT B5, by their wire names, turned into the one
/// <see cref="RegisterApplication"/> command. The JSON endpoint reads them from the request body,
/// the web form from fields of the same names, so both ask the same questions of the same command
/// through the same <see cref="RegistrationFields"/>.
/// </summary>
public static class RegistrationAttributes
{
    public const string FullName = "full_name";
    public const string Email = "email";
    public const string DateOfBirth = "date_of_birth";
    public const string TeacherReferenceNumber = "teacher_reference_number";
    public const string NationalInsuranceNumber = "national_insurance_number";
    public const string CourseIdentifier = "course_identifier";
    public const string LeadProviderId = "lead_provider_id";
    public const string Cohort = "cohort";
    public const string TeacherCatchment = "teacher_catchment";
    public const string TeacherCatchmentCountry = "teacher_catchment_country";
    public const string WorkSetting = "work_setting";
    public const string SchoolUrn = "school_urn";
    public const string KindOfNursery = "kind_of_nursery";
    public const string PrivateChildcareProviderUrn = "private_childcare_provider_urn";
    public const string EmploymentType = "employment_type";
    public const string EmploymentRole = "employment_role";
    public const string EmployerName = "employer_name";
    public const string LeadMentor = "lead_mentor";
    public const string IttProvider = "itt_provider";
    public const string ReferredByReturnToTeachingAdviser = "referred_by_return_to_teaching_adviser";
    public const string EhcoHeadteacher = "ehco_headteacher";
    public const string EhcoNewHeadteacher = "ehco_new_headteacher";
    public const string WorksAsSenco = "works_as_senco";
    public const string SencoStartDate = "senco_start_date";
    public const string FundingChoice = "funding_choice";
    public const string ParticipantId = "participant_id";

    /// <summary>
    /// The web form's fields, named as the JSON attributes, as a request: read through the same
    /// deserialiser as <c>POST /api/registrations</c>, so the two cannot disagree on a name.
    /// </summary>
    public static RegistrationFields FromFields(Func<string, string?> value)
    {
        var attributes = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in typeof(RegistrationFields).GetProperties())
        {
            var name = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            attributes[name] = value(name);
        }

        return System.Text.Json.JsonSerializer.Deserialize<RegistrationFields>(attributes, Http.RequestJson.Options)!;
    }
}
