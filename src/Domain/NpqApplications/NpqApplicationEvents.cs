namespace Npq.Domain.NpqApplications;

/// <summary>
/// A participant submitted an application for one course with one lead provider (CONTRACT §6).
/// Holds the registration answers and the server-derived funding decision.
/// </summary>
public sealed record ApplicationRegistered(
    Guid ApplicationId,
    Guid ParticipantId,
    Guid LeadProviderId,
    string CourseIdentifier,
    int Cohort,
    string CohortSuffix,
    RegistrationAnswers Answers,
    bool EligibleForFunding,
    string FundingEligibilityStatusCode,
    bool TargetedDeliveryFundingEligibility,
    string? TeacherReferenceNumberAtSubmission,
    DateTimeOffset RegisteredAt);

/// <summary>The applicant's answers as they were stored at submission.</summary>
public sealed record RegistrationAnswers(
    bool TeacherCatchment,
    string TeacherCatchmentCountry,
    string TeacherCatchmentIsoCountryCode,
    string? WorkSetting,
    bool? WorksInSchool,
    bool? WorksInChildcare,
    string? KindOfNursery,
    string? SchoolUrn,
    string? SchoolUkprn,
    string? PrivateChildcareProviderUrn,
    string? EmploymentType,
    string? EmploymentRole,
    string? EmployerName,
    bool LeadMentor,
    string? IttProvider,
    bool ReferredByReturnToTeachingAdviser,
    string? HeadteacherStatus,
    string? WorksAsSenco,
    DateOnly? SencoStartDate,
    string? FundingChoice);
