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
    DateTimeOffset? WithdrawnAt = null,
    string? FundingStatusCode = null)
{
    public string CohortId => $"{Cohort}{CohortSuffix}";

    public static NpqApplication Start(ApplicationRegistered e) =>
        new(e.ApplicationId, e.ParticipantId, e.LeadProviderId, e.CourseIdentifier, e.Cohort, e.CohortSuffix,
            ApplicationStatus.Pending, null, e.EligibleForFunding, null, null, null, null, FundingStatusCode: e.FundingEligibilityStatusCode);

    // One transition per event, here only. Marten builds the aggregate with these (NpqApplicationAggregation,
    // a live projection over Start and Next: FetchForWriting), and Fold uses them for replays and tests.
    // They are not named Create/Apply, so that Marten's conventions (a source generator in the
    // project of the type) are not looked for in this framework-free project.
    public NpqApplication On(ApplicationAccepted e) => this with
    {
        Status = ApplicationStatus.Accepted,
        AcceptedAt = e.AcceptedAt,
        TrainingStatus = NpqApplications.TrainingStatus.Active,
        ScheduleIdentifier = e.ScheduleIdentifier,
        FundedPlace = e.FundedPlace,
    };

    public NpqApplication On(ApplicationRejected e) => this with { Status = ApplicationStatus.Rejected, ReasonForRejection = e.Reason };

    public NpqApplication On(FundedPlaceChanged e) => this with { FundedPlace = e.FundedPlace };

    public NpqApplication On(ApplicationTransferred e) => this with { LeadProviderId = e.ToLeadProviderId };

    public NpqApplication On(ParticipantDeferred e) => this with { TrainingStatus = NpqApplications.TrainingStatus.Deferred };

    public NpqApplication On(ParticipantResumed e) => this with { TrainingStatus = NpqApplications.TrainingStatus.Active };

    public NpqApplication On(ParticipantWithdrawn e) => this with { TrainingStatus = NpqApplications.TrainingStatus.Withdrawn, WithdrawnAt = e.At };

    public NpqApplication On(ScheduleChanged e) => this with
    {
        ScheduleIdentifier = e.ScheduleIdentifier, Cohort = e.Cohort, CohortSuffix = e.CohortSuffix, FundedPlace = e.FundedPlace,
    };

    public NpqApplication On(ApplicationParticipantChanged e) => this with { ParticipantId = e.ToParticipantId };

    public NpqApplication On(ApplicationRevertedToPending e) => this with { Status = ApplicationStatus.Pending, FundedPlace = e.FundedPlace };

    public NpqApplication On(FundingEligibilityOverridden e) => this with { EligibleForFunding = e.EligibleForFunding, FundingStatusCode = e.StatusCode };

    public NpqApplication On(ApplicationCohortChanged e) => this with { Cohort = e.Cohort, CohortSuffix = e.CohortSuffix };

    /// <summary>The next state after any event of the stream (events it does not know leave it as it is).</summary>
    public NpqApplication Next(object @event) => @event switch
    {
        ApplicationAccepted e => On(e),
        ApplicationRejected e => On(e),
        FundedPlaceChanged e => On(e),
        ApplicationTransferred e => On(e),
        ParticipantDeferred e => On(e),
        ParticipantResumed e => On(e),
        ParticipantWithdrawn e => On(e),
        ScheduleChanged e => On(e),
        ApplicationParticipantChanged e => On(e),
        ApplicationRevertedToPending e => On(e),
        FundingEligibilityOverridden e => On(e),
        ApplicationCohortChanged e => On(e),
        _ => this,
    };

    /// <summary>Rebuilds the state from the stream's events, oldest first.</summary>
    public static NpqApplication? Fold(IEnumerable<object> events)
    {
        NpqApplication? state = null;
        foreach (var e in events)
            state = e is ApplicationRegistered registered ? Start(registered) : state?.Next(e);
        return state;
    }
}
