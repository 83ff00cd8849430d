using Npq.Api.Http;
using Npq.Api.Json;
using Npq.Application.NpqApplications;

namespace Npq.Api.V1.NpqApplications;

/// <summary><c>npq-applications.csv</c> (§1.9): fixed columns; <c>eligible_for_funding</c> is the raw flag.</summary>
public static class ApplicationsCsv
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "id", "participant_id", "full_name", "email", "email_validated", "teacher_reference_number",
        "teacher_reference_number_validated", "school_urn", "school_ukprn", "private_childcare_provider_urn",
        "headteacher_status", "eligible_for_funding", "funded_place", "funding_choice", "course_identifier", "status",
        "works_in_school", "employer_name", "employment_role", "created_at", "updated_at", "cohort",
        "ineligible_for_funding_reason", "targeted_delivery_funding_eligibility", "teacher_catchment",
        "teacher_catchment_country", "teacher_catchment_iso_country_code", "itt_provider", "lead_mentor",
    ];

    public static CsvResult Write(IAsyncEnumerable<ApplicationView> applications) =>
        Csv.Stream(Header, applications, a =>
        [
            a.Id, a.ParticipantId, a.FullName, a.Email, true, a.TeacherReferenceNumber,
            a.TeacherReferenceNumberValidated, a.SchoolUrn, a.SchoolUkprn, a.PrivateChildcareProviderUrn,
            a.HeadteacherStatus, a.EligibleForFundingRaw, a.FundedPlace, a.FundingChoice, a.CourseIdentifier, WireValues.Of(a.Status),
            a.WorksInSchool, a.EmployerName, a.EmploymentRole, a.CreatedAt, a.UpdatedAt, a.Cohort.ToString(),
            a.IneligibleForFundingReason, a.TargetedDeliveryFundingEligibility, a.TeacherCatchment,
            a.TeacherCatchmentCountry, a.TeacherCatchmentIsoCountryCode, a.IttProvider, a.LeadMentor,
        ]);
}
