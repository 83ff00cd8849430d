using Npq.Application.Common;
using Npq.Application.Participants;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;

namespace Npq.Application.NpqApplications;

/// <summary>
/// The deterministic heart of <see cref="ParticipantApplicationsProjection"/>: applies events, in
/// order, to a working set of participant and application views held in memory. It uses only event
/// data (never a clock or I/O), so replaying the log from nothing rebuilds exactly the same views.
/// </summary>
public sealed partial class ParticipantApplicationsProjector
{
    private readonly Dictionary<Guid, ParticipantView> _participants;
    private readonly Dictionary<Guid, ApplicationView> _applications;
    private readonly Dictionary<Guid, List<ApplicationView>> _byParticipant = [];
    private readonly HashSet<ParticipantView> _changedParticipants = [];
    private readonly HashSet<ApplicationView> _changedApplications = [];

    public ParticipantApplicationsProjector(IEnumerable<ParticipantView> participants, IEnumerable<ApplicationView> applications)
    {
        _participants = participants.ToDictionary(p => p.Id);
        _applications = [];
        foreach (var application in applications)
            Add(application);
    }

    /// <summary>The events that change a person's participant and application views.</summary>
    public static EventSet Events { get; } = new(
        typeof(ParticipantRegistered), typeof(ApplicationRegistered), typeof(ApplicationAccepted), typeof(ApplicationRejected),
        typeof(FundedPlaceChanged), typeof(ApplicationTransferred), typeof(ParticipantDeferred), typeof(ParticipantResumed),
        typeof(ParticipantWithdrawn), typeof(ScheduleChanged), typeof(ApplicationParticipantChanged), typeof(ParticipantIdChanged),
        typeof(ParticipantEmailChanged), typeof(ParticipantNameChanged), typeof(ParticipantTrnVerified),
        typeof(ApplicationRevertedToPending), typeof(FundingEligibilityOverridden), typeof(ApplicationCohortChanged), typeof(PersonalDataErased));

    /// <summary>The participants whose views an event touches, when the event itself names them.</summary>
    public static IEnumerable<Guid> ParticipantsOf(object data) => data switch
    {
        ParticipantRegistered e => [e.ParticipantId],
        ApplicationRegistered e => [e.ParticipantId],
        ApplicationAccepted e => [e.ParticipantId],
        ApplicationParticipantChanged e => [e.FromParticipantId, e.ToParticipantId],
        ParticipantIdChanged e => [e.ParticipantId, e.FromParticipantId, e.ToParticipantId],
        ParticipantEmailChanged e => [e.ParticipantId],
        ParticipantNameChanged e => [e.ParticipantId],
        ParticipantTrnVerified e => [e.ParticipantId],
        PersonalDataErased e => [e.ParticipantId],
        _ => [],
    };

    public IReadOnlyCollection<ParticipantView> ChangedParticipants => _changedParticipants;

    public IReadOnlyCollection<ApplicationView> ChangedApplications => _changedApplications;

    public IReadOnlyCollection<ParticipantView> Participants => _participants.Values;

    public IReadOnlyCollection<ApplicationView> Applications => _applications.Values;

    public void Apply(Guid streamId, object data)
    {
        switch (data)
        {
            case ParticipantRegistered e:
                Apply(e);
                break;
            case ApplicationRegistered e:
                Apply(e);
                break;
            case ApplicationAccepted e:
                Change(streamId, e.AcceptedAt, approvalStatusChanged: true, a =>
                {
                    a.Status = ApplicationStatus.Accepted;
                    a.AcceptedAt = e.AcceptedAt;
                    a.TrainingStatus = TrainingStatus.Active;
                    a.TrainingStatusChangedAt = e.AcceptedAt;
                    a.ScheduleIdentifier = e.ScheduleIdentifier;
                    a.FundedPlace = e.FundedPlace;
                });
                break;
            case ApplicationRejected e:
                Change(streamId, e.RejectedAt, approvalStatusChanged: true, a =>
                {
                    a.Status = ApplicationStatus.Rejected;
                    a.ReasonForRejection = e.Reason;
                });
                break;
            case FundedPlaceChanged e:
                Change(streamId, e.ChangedAt, approvalStatusChanged: false, a => a.FundedPlace = e.FundedPlace);
                break;
            case ApplicationTransferred e:
                Change(streamId, e.At, approvalStatusChanged: false, a => a.LeadProviderId = e.ToLeadProviderId);
                break;
            case ParticipantDeferred e:
                Change(streamId, e.At, approvalStatusChanged: false, a =>
                {
                    (a.TrainingStatus, a.TrainingStatusChangedAt) = (TrainingStatus.Deferred, e.At);
                    a.Mark(e.LeadProviderId, TrainingStatus.Deferred, e.Reason, e.At);
                });
                break;
            case ParticipantResumed e:
                Change(streamId, e.At, approvalStatusChanged: false, a => (a.TrainingStatus, a.TrainingStatusChangedAt) = (TrainingStatus.Active, e.At));
                break;
            case ParticipantWithdrawn e:
                Change(streamId, e.At, approvalStatusChanged: false, a =>
                {
                    (a.TrainingStatus, a.TrainingStatusChangedAt) = (TrainingStatus.Withdrawn, e.At);
                    a.Mark(e.LeadProviderId, TrainingStatus.Withdrawn, e.Reason, e.At);
                });
                break;
            case ScheduleChanged e:
                Change(streamId, e.At, approvalStatusChanged: false, a =>
                {
                    (a.ScheduleIdentifier, a.Cohort, a.CohortSuffix, a.FundedPlace) = (e.ScheduleIdentifier, e.Cohort, e.CohortSuffix, e.FundedPlace);
                });
                break;
            case ApplicationParticipantChanged e:
                Move(streamId, e);
                break;
            case ParticipantIdChanged e:
                Apply(streamId, e);
                break;
            case ParticipantEmailChanged e:
                ChangePerson(e.ParticipantId, e.At, p => p.Email = e.Email, a => a.Email = e.Email);
                break;
            case ParticipantNameChanged e:
                ChangePerson(e.ParticipantId, e.At, p => (p.FullName, p.PreviousNames) = (e.FullName, [.. e.PreviousNames ?? []]), a => a.FullName = e.FullName);
                break;
            case PersonalDataErased e:
                // Every view of the person reads the erased facts as null; the payment facts stay (ADR 0040).
                ChangePerson(e.ParticipantId, e.At,
                    p => (p.FullName, p.Email, p.TeacherReferenceNumber, p.PreviousNames, p.PersonalDataErasedAt) = (null, null, null, [], e.At),
                    a => (a.FullName, a.Email, a.TeacherReferenceNumber) = (null, null, null));
                break;
            case ParticipantTrnVerified e:
                ChangePerson(e.ParticipantId, e.At,
                    p => (p.TeacherReferenceNumber, p.TeacherReferenceNumberVerified) = (e.TeacherReferenceNumber, true),
                    a => (a.TeacherReferenceNumber, a.TeacherReferenceNumberValidated) = (e.TeacherReferenceNumber, true));
                break;
            case ApplicationRevertedToPending e:
                Change(streamId, e.At, approvalStatusChanged: true, a =>
                {
                    (a.Status, a.FundedPlace) = (ApplicationStatus.Pending, e.FundedPlace);
                    a.TrainingMarks.Clear();
                });
                break;
            case FundingEligibilityOverridden e:
                Change(streamId, e.At, approvalStatusChanged: false, a =>
                {
                    (a.EligibleForFundingRaw, a.FundingEligibilityStatusCode) = (e.EligibleForFunding, e.StatusCode);
                });
                break;
            case ApplicationCohortChanged e:
                Change(streamId, e.At, approvalStatusChanged: false, a => (a.Cohort, a.CohortSuffix) = (e.Cohort, e.CohortSuffix));
                break;
        }
    }

    /// <summary>
    /// Changes one application; an approval-status change (accept, reject, auto-reject) is a
    /// significant change of the person (§1.11), so it moves every application of theirs.
    /// </summary>
    private void Change(Guid applicationId, DateTimeOffset at, bool approvalStatusChanged, Action<ApplicationView> change)
    {
        var application = _applications.TryGetValue(applicationId, out var found)
            ? found
            : throw new InvalidOperationException($"Application {applicationId} is not in the projection's working set.");
        change(application);
        application.Touch(at);
        _changedApplications.Add(application);
        TouchParticipantViews(Participant(application.ParticipantId), at, significant: approvalStatusChanged);
        RecomputeFunding(application.ParticipantId);
    }

    private void Apply(ParticipantRegistered e)
    {
        var participant = new ParticipantView
        {
            Id = e.ParticipantId,
            FullName = e.FullName,
            Email = e.Email,
            TeacherReferenceNumber = e.TeacherReferenceNumber,
            TeacherReferenceNumberVerified = e.TeacherReferenceNumberVerified,
            CreatedAt = e.RegisteredAt,
            SignificantlyUpdatedAt = e.RegisteredAt,
            UpdatedAt = e.RegisteredAt,
        };
        _participants[participant.Id] = participant;
        _changedParticipants.Add(participant);
    }

    private void Apply(ApplicationRegistered e)
    {
        var participant = Participant(e.ParticipantId);
        var answers = e.Answers;
        var application = new ApplicationView
        {
            Id = e.ApplicationId,
            ParticipantId = e.ParticipantId,
            LeadProviderId = e.LeadProviderId,
            CourseIdentifier = e.CourseIdentifier,
            Cohort = e.Cohort,
            CohortSuffix = e.CohortSuffix,
            FullName = participant.FullName,
            Email = participant.Email,
            TeacherReferenceNumber = participant.TeacherReferenceNumber,
            TeacherReferenceNumberValidated = participant.TeacherReferenceNumberVerified,
            TeacherCatchment = answers.TeacherCatchment,
            TeacherCatchmentCountry = answers.TeacherCatchmentCountry,
            TeacherCatchmentIsoCountryCode = answers.TeacherCatchmentIsoCountryCode,
            CatchmentAnswer = answers.CatchmentAnswer,
            WorkSetting = answers.WorkSetting,
            WorksInSchool = answers.WorksInSchool,
            SchoolUrn = answers.SchoolUrn,
            SchoolUkprn = answers.SchoolUkprn,
            PrivateChildcareProviderUrn = answers.PrivateChildcareProviderUrn,
            EmploymentType = answers.EmploymentType,
            EmploymentRole = answers.EmploymentRole,
            EmployerName = answers.EmployerName,
            LeadMentor = answers.LeadMentor,
            IttProvider = answers.IttProvider,
            HeadteacherStatus = answers.HeadteacherStatus,
            WorksAsSenco = answers.WorksAsSenco,
            SencoStartDate = answers.SencoStartDate,
            FundingChoice = answers.FundingChoice,
            EligibleForFundingRaw = e.EligibleForFunding,
            FundedPlace = e.FundedPlace, // false from registration in a zero-funded cohort
            FundingEligibilityStatusCode = e.FundingEligibilityStatusCode,
            TargetedDeliveryFundingEligibility = e.TargetedDeliveryFundingEligibility,
            Status = ApplicationStatus.Pending,
            CreatedAt = e.RegisteredAt,
            ApplicationUpdatedAt = e.RegisteredAt,
            ParticipantUpdatedAt = participant.SignificantlyUpdatedAt,
        };
        application.Touch(e.RegisteredAt);
        Add(application);
        _changedApplications.Add(application);

        if (!participant.ApplicationIds.Contains(application.Id))
            participant.ApplicationIds.Add(application.Id);
        TouchParticipantViews(participant, e.RegisteredAt, significant: false);
        RecomputeFunding(participant.Id);
    }

    private static FundingSnapshot Snapshot(ApplicationView a) => new(a.Id, a.CourseIdentifier, a.Status, a.EligibleForFundingRaw, a.FundedPlace);

    private static string Family(ApplicationView a) => Domain.Courses.Courses.Get(a.CourseIdentifier).Family;

    private ParticipantView Participant(Guid id) =>
        _participants.TryGetValue(id, out var participant)
            ? participant
            : throw new InvalidOperationException($"Participant {id} is not in the projection's working set.");

    private void Add(ApplicationView application)
    {
        _applications[application.Id] = application;
        if (!_byParticipant.TryGetValue(application.ParticipantId, out var list))
            _byParticipant[application.ParticipantId] = list = [];
        var at = list.FindIndex(a => a.Id == application.Id);
        if (at >= 0)
            list[at] = application;
        else
            list.Add(application);
    }

    private List<ApplicationView> ApplicationsOf(Guid participantId) =>
        _byParticipant.TryGetValue(participantId, out var list) ? list : [];
}
