using Mediator;
using Npq.Application.Common;
using Npq.Application.NpqApplications;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// A participant registers for a course with a lead provider (CONTRACT B5). Values arrive as the
/// text the applicant gave (booleans as <c>true</c>/<c>false</c>/<c>yes</c>/<c>no</c>) and are
/// checked by <see cref="RegisterApplicationValidator"/> before the handler reads reference data.
/// </summary>
public sealed record RegisterApplication : ICommand<ApplicationView>, IAnonymousRequest, IValidatedRequest
{
    public required Caller Caller { get; init; }

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

    /// <summary>Fixed ids for the deterministic sandbox seed; the HTTP endpoints never set them.</summary>
    public Guid? ApplicationId { get; init; }

    /// <summary>The id a new participant gets (seed only); otherwise a new time-ordered id.</summary>
    public Guid? NewParticipantId { get; init; }
}
