namespace Npq.Domain.NpqApplications;

/// <summary>
/// The write model of one application: the state its decisions need, rebuilt from its stream by
/// <see cref="Fold"/>. Decisions live in the <c>…Decision</c> classes beside it.
/// </summary>
public sealed record NpqApplication(
    Guid Id,
    Guid ParticipantId,
    Guid LeadProviderId,
    string CourseIdentifier,
    int Cohort,
    string CohortSuffix,
    ApplicationStatus Status,
    string? ReasonForRejection,
    bool EligibleForFunding,
    bool? FundedPlace,
    string? ScheduleIdentifier,
    TrainingStatus? TrainingStatus,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? WithdrawnAt = null)
{
    public string CohortId => $"{Cohort}{CohortSuffix}";

    public static NpqApplication Create(ApplicationRegistered e) =>
        new(e.ApplicationId, e.ParticipantId, e.LeadProviderId, e.CourseIdentifier, e.Cohort, e.CohortSuffix,
            ApplicationStatus.Pending, null, e.EligibleForFunding, null, null, null, null);

    public NpqApplication Apply(object @event) => @event switch
    {
        ApplicationAccepted e => this with
        {
            Status = ApplicationStatus.Accepted,
            AcceptedAt = e.AcceptedAt,
            TrainingStatus = NpqApplications.TrainingStatus.Active,
            ScheduleIdentifier = e.ScheduleIdentifier,
            FundedPlace = e.FundedPlace,
        },
        ApplicationRejected e => this with { Status = ApplicationStatus.Rejected, ReasonForRejection = e.Reason },
        FundedPlaceChanged e => this with { FundedPlace = e.FundedPlace },
        ApplicationTransferred e => this with { LeadProviderId = e.ToLeadProviderId },
        ParticipantDeferred => this with { TrainingStatus = NpqApplications.TrainingStatus.Deferred },
        ParticipantResumed => this with { TrainingStatus = NpqApplications.TrainingStatus.Active },
        ParticipantWithdrawn e => this with { TrainingStatus = NpqApplications.TrainingStatus.Withdrawn, WithdrawnAt = e.At },
        ScheduleChanged e => this with
        {
            ScheduleIdentifier = e.ScheduleIdentifier, Cohort = e.Cohort, CohortSuffix = e.CohortSuffix, FundedPlace = e.FundedPlace,
        },
        ApplicationParticipantChanged e => this with { ParticipantId = e.ToParticipantId },
        _ => this,
    };

    /// <summary>Rebuilds the state from the stream's events, oldest first.</summary>
    public static NpqApplication? Fold(IEnumerable<object> events)
    {
        NpqApplication? state = null;
        foreach (var e in events)
            state = e is ApplicationRegistered registered ? Create(registered) : state?.Apply(e);
        return state;
    }
}
