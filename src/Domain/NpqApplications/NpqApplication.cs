namespace Npq.Domain.NpqApplications;

/// <summary>
/// The write model of one application: the state its decisions need, rebuilt from its stream.
/// </summary>
public sealed record NpqApplication(
    Guid Id,
    Guid ParticipantId,
    Guid LeadProviderId,
    string CourseIdentifier,
    int Cohort,
    ApplicationStatus Status,
    bool EligibleForFunding,
    bool? FundedPlace,
    TrainingStatus? TrainingStatus,
    long Version)
{
    public static NpqApplication Create(ApplicationRegistered e) =>
        new(e.ApplicationId, e.ParticipantId, e.LeadProviderId, e.CourseIdentifier, e.Cohort,
            ApplicationStatus.Pending, e.EligibleForFunding, null, null, 1);
}
