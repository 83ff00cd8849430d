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
    DateTimeOffset RegisteredAt,
    bool? FundedPlace = null);

/// <summary>
/// The applicant's answers as they were stored at submission. <see cref="CatchmentAnswer"/> is the
/// raw answer (<c>england</c> or <c>another</c>), which the delivery-partner rules read.
/// </summary>
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
    string? FundingChoice,
    string? CatchmentAnswer = null);

/// <summary>
/// The lead provider accepted the application: it now has a schedule, training status
/// <c>active</c>, and (in capped or zero-funded cohorts) a funded-place decision (CONTRACT §3.1).
/// </summary>
public sealed record ApplicationAccepted(
    Guid ApplicationId,
    Guid ParticipantId,
    Guid LeadProviderId,
    string ScheduleIdentifier,
    bool? FundedPlace,
    DateTimeOffset AcceptedAt);

/// <summary>
/// The application was rejected: by its provider (<c>rejected_by_provider</c>) or automatically
/// because another application of the person for the same course and cohort was accepted
/// (<c>other_application_in_this_cohort_accepted</c>, with the accepted application's id).
/// </summary>
public sealed record ApplicationRejected(
    Guid ApplicationId,
    string Reason,
    Guid? BecauseApplicationAccepted,
    DateTimeOffset RejectedAt);

/// <summary>The provider changed the funded-place decision of an accepted application (CONTRACT §3.3).</summary>
public sealed record FundedPlaceChanged(Guid ApplicationId, bool FundedPlace, DateTimeOffset ChangedAt);

public static class RejectionReasons
{
    public const string RegistrationExpired = "registration_expired";
    public const string RejectedByProvider = "rejected_by_provider";
    public const string OtherApplicationInThisCohortAccepted = "other_application_in_this_cohort_accepted";
}

/// <summary>DfE moved the application to another lead provider (B8). Declarations stay with their creator.</summary>
public sealed record ApplicationTransferred(Guid ApplicationId, Guid FromLeadProviderId, Guid ToLeadProviderId, DateTimeOffset At);

/// <summary>The provider deferred the participant's training on this application (CONTRACT §3.5).</summary>
public sealed record ParticipantDeferred(Guid ApplicationId, Guid LeadProviderId, string Reason, DateTimeOffset At);

/// <summary>The provider resumed a deferred or withdrawn participant (training status back to active).</summary>
public sealed record ParticipantResumed(Guid ApplicationId, Guid LeadProviderId, DateTimeOffset At);

/// <summary>The provider withdrew the participant: later-dated declarations are refused (§3.7 #3).</summary>
public sealed record ParticipantWithdrawn(Guid ApplicationId, Guid LeadProviderId, string Reason, DateTimeOffset At);

/// <summary>The provider moved the participant to another schedule, possibly in another cohort (§3.6).</summary>
public sealed record ScheduleChanged(Guid ApplicationId, string ScheduleIdentifier, int Cohort, string CohortSuffix, bool? FundedPlace, DateTimeOffset At);

/// <summary>DfE merged participants (B8): this application now belongs to another participant id.</summary>
public sealed record ApplicationParticipantChanged(Guid ApplicationId, Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset At);

/// <summary>
/// DfE reverted an accepted or rejected application to pending (issue 26): the funded place is cleared
/// (<c>false</c> stays in a zero-funded cohort) and the training-status history with it; schedule,
/// training status and rejection reason stay, as the reference keeps them.
/// </summary>
public sealed record ApplicationRevertedToPending(Guid ApplicationId, bool? FundedPlace, DateTimeOffset At);

/// <summary>DfE decided funding eligibility by policy (<c>marked_funded_by_policy</c> / <c>marked_ineligible_by_policy</c>).</summary>
public sealed record FundingEligibilityOverridden(Guid ApplicationId, bool EligibleForFunding, string StatusCode, DateTimeOffset At);

/// <summary>DfE moved the application to another cohort of the same funding, keeping its schedule identifier.</summary>
public sealed record ApplicationCohortChanged(Guid ApplicationId, int Cohort, string CohortSuffix, DateTimeOffset At);
