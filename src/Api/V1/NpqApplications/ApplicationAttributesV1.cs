namespace Npq.Api.V1.NpqApplications;

/// <summary>The v1 and v2 application attributes (CONTRACT §2.4; the two versions are identical).</summary>
public sealed record ApplicationAttributesV1
{
    public required string CourseIdentifier { get; init; }

    public required string Email { get; init; }

    public bool EmailValidated { get; init; } = true;

    public string? EmployerName { get; init; }

    public string? EmploymentRole { get; init; }

    public required string FullName { get; init; }

    public string? FundingChoice { get; init; }

    public string? HeadteacherStatus { get; init; }

    public string? IneligibleForFundingReason { get; init; }

    public Guid ParticipantId { get; init; }

    public string? PrivateChildcareProviderUrn { get; init; }

    public string? TeacherReferenceNumber { get; init; }

    public bool TeacherReferenceNumberValidated { get; init; }

    public string? SchoolUrn { get; init; }

    public string? SchoolUkprn { get; init; }

    public required string Status { get; init; }

    public bool? WorksInSchool { get; init; }

    public required string Cohort { get; init; }

    public bool EligibleForFunding { get; init; }

    public bool TargetedDeliveryFundingEligibility { get; init; }

    public bool TeacherCatchment { get; init; }

    public string? TeacherCatchmentCountry { get; init; }

    public string? TeacherCatchmentIsoCountryCode { get; init; }

    public string? IttProvider { get; init; }

    public bool LeadMentor { get; init; }

    public bool? FundedPlace { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
