namespace Npq.Api.Participants;

/// <summary>v1 participant (CONTRACT §2.5).</summary>
public sealed record ParticipantAttributesV1(
    Guid ParticipantId,
    string FullName,
    string Email,
    IReadOnlyList<string> NpqCourses,
    IReadOnlyList<FundedPlaceV1> FundedPlaces,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt);

public sealed record FundedPlaceV1(string NpqCourse, bool? FundedPlace, Guid NpqApplicationId);

/// <summary>v2 participant (§2.5): enrolments with the raw <c>eligible_for_funding</c>.</summary>
public sealed record ParticipantAttributesV2(
    string Email,
    string FullName,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<EnrolmentV2> NpqEnrolments);

public sealed record EnrolmentV2(
    string CourseIdentifier,
    string? ScheduleIdentifier,
    string Cohort,
    Guid NpqApplicationId,
    bool EligibleForFunding,
    string? TrainingStatus,
    string? SchoolUrn,
    bool TargetedDeliveryFundingEligibility,
    bool? FundedPlace);

/// <summary>v3 participant (§2.5 with HEAD's <c>previous_names</c> and <c>cohort_suffix</c>).</summary>
public sealed record ParticipantAttributesV3(
    string FullName,
    IReadOnlyList<string> PreviousNames,
    string? TeacherReferenceNumber,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<EnrolmentV3> NpqEnrolments,
    IReadOnlyList<ParticipantIdChangeV3> ParticipantIdChanges);

public sealed record EnrolmentV3(
    string? Email,
    string CourseIdentifier,
    string? ScheduleIdentifier,
    string Cohort,
    string CohortSuffix,
    Guid NpqApplicationId,
    bool EligibleForFunding,
    string? TrainingStatus,
    string? SchoolUrn,
    bool TargetedDeliveryFundingEligibility,
    bool? FundedPlace,
    TrainingChange? Withdrawal,
    TrainingChange? Deferral,
    DateTimeOffset? CreatedAt);

public sealed record TrainingChange(string Reason, DateTimeOffset Date);

public sealed record ParticipantIdChangeV3(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);

/// <summary>Outcome (§2.7): v1/v2 without <c>updated_at</c>.</summary>
public sealed record OutcomeAttributesV1(string State, string CompletionDate, string CourseIdentifier, Guid ParticipantId, DateTimeOffset CreatedAt);

public sealed record OutcomeAttributesV3(string State, string CompletionDate, string CourseIdentifier, Guid ParticipantId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
