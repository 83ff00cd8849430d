namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// A registration's fields (CONTRACT B5), as the person gave them: every answer as text, read from
/// the JSON endpoint's body or the web form's fields by the same deserialiser.
/// <see cref="RegisterApplicationValidator"/> checks presence, lengths, formats and value lists.
/// </summary>
public record RegistrationFields
{
    public string? FullName { get; init; }

    public string? Email { get; init; }

    public string? DateOfBirth { get; init; }

    public string? TeacherReferenceNumber { get; init; }

    public string? NationalInsuranceNumber { get; init; }

    public string? CourseIdentifier { get; init; }

    public string? LeadProviderId { get; init; }

    public string? Cohort { get; init; }

    public string? TeacherCatchment { get; init; }

    public string? TeacherCatchmentCountry { get; init; }

    public string? WorkSetting { get; init; }

    public string? SchoolUrn { get; init; }

    public string? KindOfNursery { get; init; }

    public string? PrivateChildcareProviderUrn { get; init; }

    public string? EmploymentType { get; init; }

    public string? EmploymentRole { get; init; }

    public string? EmployerName { get; init; }

    public string? LeadMentor { get; init; }

    public string? IttProvider { get; init; }

    public string? ReferredByReturnToTeachingAdviser { get; init; }

    public string? EhcoHeadteacher { get; init; }

    public string? EhcoNewHeadteacher { get; init; }

    public string? WorksAsSenco { get; init; }

    public string? SencoStartDate { get; init; }

    public string? FundingChoice { get; init; }

    public string? ParticipantId { get; init; }
}
