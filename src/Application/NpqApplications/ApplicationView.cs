using Npq.Domain.NpqApplications;

namespace Npq.Application.NpqApplications;

/// <summary>
/// The one read model of an application, version-free (the API maps what each version shows).
/// Maintained inline by <see cref="ParticipantApplicationsProjection"/>; carries the participant's
/// identity facts and the cross-application funding facts so that a page is one query.
/// </summary>
public sealed class ApplicationView
{
    public Guid Id { get; set; }

    public Guid ParticipantId { get; set; }

    public Guid LeadProviderId { get; set; }

    public string CourseIdentifier { get; set; } = "";

    public int Cohort { get; set; }

    public string CohortSuffix { get; set; } = "a";

    // The participant's identity facts, denormalised.
    public string? FullName { get; set; } = "";

    /// <summary>The person's email; null once DfE blanked it.</summary>
    public string? Email { get; set; } = "";

    public string? TeacherReferenceNumber { get; set; }

    public bool TeacherReferenceNumberValidated { get; set; }

    // Registration answers.
    public bool TeacherCatchment { get; set; }

    public string? TeacherCatchmentCountry { get; set; }

    public string? TeacherCatchmentIsoCountryCode { get; set; }

    /// <summary>The raw catchment answer (<c>england</c> or <c>another</c>).</summary>
    public string? CatchmentAnswer { get; set; }

    public string? WorkSetting { get; set; }

    public bool? WorksInSchool { get; set; }

    public string? SchoolUrn { get; set; }

    public string? SchoolUkprn { get; set; }

    public string? PrivateChildcareProviderUrn { get; set; }

    public string? EmploymentType { get; set; }

    public string? EmploymentRole { get; set; }

    public string? EmployerName { get; set; }

    public bool LeadMentor { get; set; }

    public string? IttProvider { get; set; }

    public string? HeadteacherStatus { get; set; }

    public string? WorksAsSenco { get; set; }

    public DateOnly? SencoStartDate { get; set; }

    public string? FundingChoice { get; set; }

    // Funding.

    /// <summary>The stored (raw) flag: CSVs and participant enrolments show this one.</summary>
    public bool EligibleForFundingRaw { get; set; }

    public string FundingEligibilityStatusCode { get; set; } = "";

    /// <summary>Another accepted, funded application of the person in the same course family exists (§4.5).</summary>
    public bool PreviouslyFunded { get; set; }

    /// <summary>The adjusted value the application JSON shows (§4.5).</summary>
    public bool EligibleForFunding { get; set; }

    public string? IneligibleForFundingReason { get; set; }

    public bool TargetedDeliveryFundingEligibility { get; set; }

    public bool? FundedPlace { get; set; }

    // Provider decision and training.
    public ApplicationStatus Status { get; set; }

    public string? ReasonForRejection { get; set; }

    public string? ScheduleIdentifier { get; set; }

    public TrainingStatus? TrainingStatus { get; set; }

    /// <summary>When the training status last changed (accept, defer, resume, withdraw).</summary>
    public DateTimeOffset? TrainingStatusChangedAt { get; set; }

    /// <summary>
    /// The latest withdrawal and the latest deferral each provider recorded. An enrolment shows its
    /// owner's own while that is the training status, so after a transfer the new owner does not see
    /// the old owner's reason (docs/contract.md §3.5, as the 2026 reference).
    /// </summary>
    public List<TrainingMark> TrainingMarks { get; set; } = [];

    /// <summary>The latest <paramref name="status"/> mark the application's current owner recorded, if that is the status now.</summary>
    public TrainingMark? OwnMark(TrainingStatus status) =>
        TrainingStatus == status ? TrainingMarks.Find(m => m.Status == status && m.LeadProviderId == LeadProviderId) : null;

    /// <summary>Keeps one mark per provider and status: the latest.</summary>
    public void Mark(Guid leadProviderId, TrainingStatus status, string reason, DateTimeOffset at)
    {
        TrainingMarks.RemoveAll(m => m.Status == status && m.LeadProviderId == leadProviderId);
        TrainingMarks.Add(new TrainingMark(leadProviderId, status, reason, at));
    }

    public DateTimeOffset? AcceptedAt { get; set; }

    // Times (CONTRACT §1.11).
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When this application itself last changed.</summary>
    public DateTimeOffset ApplicationUpdatedAt { get; set; }

    /// <summary>When the person last changed significantly (identity facts, or any application's approval status).</summary>
    public DateTimeOffset ParticipantUpdatedAt { get; set; }

    /// <summary>max(application, participant): what the API shows, filters and sorts on.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public void Touch(DateTimeOffset at)
    {
        if (at > ApplicationUpdatedAt)
            ApplicationUpdatedAt = at;
        UpdatedAt = ApplicationUpdatedAt > ParticipantUpdatedAt ? ApplicationUpdatedAt : ParticipantUpdatedAt;
    }

    public void TouchParticipant(DateTimeOffset at)
    {
        if (at > ParticipantUpdatedAt)
            ParticipantUpdatedAt = at;
        UpdatedAt = ApplicationUpdatedAt > ParticipantUpdatedAt ? ApplicationUpdatedAt : ParticipantUpdatedAt;
    }
}

/// <summary>A withdrawal or deferral as one provider recorded it.</summary>
public sealed record TrainingMark(Guid LeadProviderId, TrainingStatus Status, string Reason, DateTimeOffset At);
